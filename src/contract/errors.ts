import type { AicadoErrorCode } from './protocol.js';

export type { AicadoErrorCode };

/**
 * What is wrong with one param; `key` is `""` when the issue concerns the params object as a whole. The
 * first five break the rules every agent shares; the last two break the params an agent declares.
 */
export const PARAM_ISSUE_CODES = [
  'restricted_key',
  'invalid_key',
  'invalid_value',
  'too_many',
  'too_large',
  'undeclared_param',
  'invalid_param_type',
] as const;
export type ParamIssueCode = (typeof PARAM_ISSUE_CODES)[number];

/** One violation of the params rules. */
export interface ParamIssue {
  key: string;
  code: ParamIssueCode;
  message: string;
}

/**
 * The base of every error this package throws: a literal `name` to tell them apart and a machine-readable
 * `code`. Callers branch on `code`; {@link isNamedError} recognises one across realms and bundle copies.
 */
export abstract class CodedError<Code extends string> extends Error {
  abstract override readonly name: string;
  readonly code: Code;

  constructor(code: Code, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/**
 * True for an error whose `name` is `name`, also one made in another realm (iframe) or by another copy of
 * this package, where `instanceof` fails. The brand check sees an Error from any realm.
 */
export function isNamedError(value: unknown, name: string): boolean {
  return Object.prototype.toString.call(value) === '[object Error]' && (value as Error).name === name;
}

export interface AicadoErrorInit {
  issues?: readonly ParamIssue[];
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The error of the SDK and the API: `code` says what went wrong, `issues` lists every bad param. */
export class AicadoError extends CodedError<AicadoErrorCode> {
  override readonly name = 'AicadoError' as const;
  readonly issues: readonly ParamIssue[];
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: AicadoErrorCode, message: string, init: AicadoErrorInit = {}) {
    super(code, message, init.cause);
    this.issues = init.issues ?? [];
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The agent was destroyed: what its methods throw, or reject with, from then on. */
export const destroyedError = (): AicadoError => new AicadoError('destroyed', 'This agent was destroyed; call init() again');

/** A query given up by a destroy, a reset or a switch of user, before its answer came. */
export const abandonedError = (cause?: unknown): AicadoError =>
  new AicadoError('aborted', 'The query was abandoned (the widget was destroyed, reset or switched user)', { cause });

/** True for an AicadoError, also one made in another realm (iframe), where `instanceof` fails. */
export const isAicadoError = (value: unknown): value is AicadoError => value instanceof AicadoError || isNamedError(value, 'AicadoError');
