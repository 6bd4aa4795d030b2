import { invalidParamsError, validateParams, type Params } from '../contract/params.js';
import { QUERY_LIMITS } from '../contract/limits.js';
import type { QueryRequest } from '../contract/protocol.js';
import { AicadoError } from '../errors.js';
import { SDK_NAME } from '../version.js';
import { newQueryId } from './ids.js';

/** The request for a visitor's message, carrying a copy of the params in force now. Throws on bad input. */
export function createQueryRequest(input: unknown, conversationId: string, params: Params, signedParams: string | undefined, locale: string): QueryRequest {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new AicadoError('invalid_input', 'send() needs a non-empty message string');
  }
  if (input.length > QUERY_LIMITS.maxInputLength) {
    throw new AicadoError('invalid_input', `The message has ${input.length} characters; at most ${QUERY_LIMITS.maxInputLength} are allowed`);
  }
  return {
    query_id: newQueryId(),
    conversation_id: conversationId,
    input,
    params: { ...params },
    context: {
      page_url: location.href.slice(0, 2048),
      referrer: document.referrer.slice(0, 2048),
      locale: locale.slice(0, 35),
      sdk: SDK_NAME,
    },
    ...(signedParams ? { signed_params: signedParams } : {}),
  };
}

/** `setParams` semantics: merge `patch` into `current`, a key set to undefined is removed; all validated. */
export function mergeParams(current: Params, patch: unknown): Params {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw invalidParamsError([{ key: '', code: 'invalid_value', message: 'setParams() needs a plain object of params' }]);
  }
  const present = validateParams(patch);
  const next: Record<string, unknown> = { ...current, ...present };
  for (const key of Object.keys(patch)) if (!Object.hasOwn(present, key)) delete next[key];
  return validateParams(next);
}
