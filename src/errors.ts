import type { ParamIssue } from './contract/params.js';

/** Machine-readable reason of an {@link AicadoError}; server codes pass through unchanged. */
export type AicadoErrorCode =
  | 'invalid_params'
  | 'invalid_options'
  | 'not_in_browser'
  | 'destroyed'
  | 'network'
  | 'timeout'
  | 'http_error'
  | 'invalid_response'
  | (string & {});

export interface AicadoErrorInit {
  issues?: readonly ParamIssue[];
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The one error class of the SDK: `code` says what went wrong, `issues` lists every bad param. */
export class AicadoError extends Error {
  override readonly name = 'AicadoError' as const;
  readonly code: AicadoErrorCode;
  readonly issues: readonly ParamIssue[];
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: AicadoErrorCode, message: string, init: AicadoErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.issues = init.issues ?? [];
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** True for an AicadoError, also one made in another realm (iframe), where `instanceof` fails. */
export function isAicadoError(value: unknown): value is AicadoError {
  // The brand check sees an Error from any realm, where `instanceof Error` is false.
  return value instanceof AicadoError || (Object.prototype.toString.call(value) === '[object Error]' && (value as Error).name === 'AicadoError');
}
