import type { ParamIssue } from '../../contract/errors.js';
import { isHttpUrl } from '../../contract/http-url.js';
import { ANSWER_STATUSES, SOURCES_LIMITS, STATUS_TEXT_MAX_LENGTH } from '../../contract/protocol.js';
import type { ApiErrorBody, DeltaEvent, DoneEvent, ErrorEvent, Source, StatusEvent } from '../../contract/schemas.js';

// Guards for the protocol's few response shapes, so zod's parser stays out of the script tag: the types
// come from the zod schemas in src/contract/schemas.ts, and a unit test holds each guard to its schema.

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown, ...keys: string[]): value is Fields => isObject(value) && keys.every((k) => typeof value[k] === 'string');
const answerStatuses: readonly unknown[] = ANSWER_STATUSES;

export const asDeltaEvent = (value: unknown): DeltaEvent | undefined =>
  strings(value, 'text') ? { text: value.text as string } : undefined;

export const asStatusEvent = (value: unknown): StatusEvent | undefined =>
  strings(value, 'text') && (value.text as string).length <= STATUS_TEXT_MAX_LENGTH ? { text: value.text as string } : undefined;

const isSource = (value: unknown): boolean =>
  strings(value, 'title', 'url') && (value.title as string).length <= SOURCES_LIMITS.maxTitleLength && isHttpUrl(value.url);

/** The valid sources of a list (http/https, plain-text title), at most 8; undefined when it is no list. */
export const asSources = (value: unknown): Source[] | undefined =>
  Array.isArray(value)
    ? value
        .filter(isSource)
        .slice(0, SOURCES_LIMITS.maxSources)
        .map(({ title, url }: Source) => ({ title, url }))
    : undefined;

export function asDoneEvent(value: unknown): DoneEvent | undefined {
  if (!strings(value, 'query_id', 'output')) return undefined;
  const { status } = value;
  const sources = value.sources === undefined ? [] : asSources(value.sources);
  if (!sources || (status !== undefined && !answerStatuses.includes(status))) return undefined;
  return {
    query_id: value.query_id as string,
    output: value.output as string,
    ...(status === undefined ? {} : { status: status as DoneEvent['status'] }),
    ...(value.sources === undefined ? {} : { sources }),
  };
}

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
