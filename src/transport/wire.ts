import type { ParamIssue } from '../contract/errors.js';
import type { ApiErrorBody, DeltaEvent, DoneEvent, ErrorEvent } from '../contract/schemas.js';

// The browser reads the protocol's few response shapes with these guards instead of the zod schemas in
// `contract/schemas.ts`: the types come from the schemas, and a unit test holds each guard to its
// schema, while the script-tag bundle saves the ~4.5 KB gzip zod's parser would add to every host page.

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown, ...keys: string[]): value is Fields => isObject(value) && keys.every((k) => typeof value[k] === 'string');

export const asDeltaEvent = (value: unknown): DeltaEvent | undefined => (strings(value, 'text') ? { text: value.text as string } : undefined);

export const asDoneEvent = (value: unknown): DoneEvent | undefined =>
  strings(value, 'query_id', 'output') ? { query_id: value.query_id as string, output: value.output as string } : undefined;

export function asErrorEvent(value: unknown): ErrorEvent | undefined {
  if (!strings(value, 'code', 'message') || (value.status !== undefined && typeof value.status !== 'number')) return undefined;
  return { code: value.code as string, message: value.message as string, ...(value.status === undefined ? {} : { status: value.status }) };
}

export function asApiError(value: unknown): ApiErrorBody | undefined {
  if (!isObject(value) || !strings(value.error, 'code', 'message')) return undefined;
  const { code, message, issues } = value.error;
  if (issues !== undefined && !(Array.isArray(issues) && issues.every(isParamIssue))) return undefined;
  return { error: { code: code as string, message: message as string, ...(issues ? { issues } : {}) } };
}

const isParamIssue = (value: unknown): value is ParamIssue => strings(value, 'key', 'code', 'message');
