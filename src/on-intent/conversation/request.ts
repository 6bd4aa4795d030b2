import type { Params } from '../../contract/params.js';
import { QUERY_ID_PATTERN, QUERY_LIMITS } from '../../contract/protocol.js';
import type { QueryRequest } from '../../contract/schemas.js';
import { AicadoError } from '../../contract/errors.js';
import { SDK_NAME } from '../../contract/version.js';
import { newQueryId } from '../../contract/ids.js';
import type { NormalizedOptions } from '../../at-load/core/options.js';

/** The request for a visitor's message, carrying a copy of the params in force now. Throws on bad input. */
export function createQueryRequest(
  input: unknown,
  conversationId: string,
  params: Params,
  signedParams: string | undefined,
  options: Pick<NormalizedOptions, 'locale' | 'context'>,
  /** The id of a message stored before the conversation had loaded, when it is a well-formed one. */
  queryId?: string,
): QueryRequest {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new AicadoError('invalid_input', 'send() needs a non-empty message string');
  }
  if (input.length > QUERY_LIMITS.maxInputLength) {
    throw new AicadoError(
      'invalid_input',
      `The message has ${input.length} characters; at most ${QUERY_LIMITS.maxInputLength} are allowed`,
    );
  }
  return {
    query_id: queryId && QUERY_ID_PATTERN.test(queryId) ? queryId : newQueryId(),
    conversation_id: conversationId,
    input,
    params: { ...params },
    context: {
      page_url: pageUrl(options.context.pageUrl).slice(0, QUERY_LIMITS.maxUrlLength),
      referrer: pageUrl(options.context.pageUrl, document.referrer).slice(0, QUERY_LIMITS.maxUrlLength),
      locale: options.locale.slice(0, QUERY_LIMITS.maxLocaleLength),
      sdk: SDK_NAME,
    },
    ...(signedParams ? { signed_params: signedParams } : {}),
  };
}

/**
 * The page's address as the API sees it. By default origin and path only: query strings and fragments
 * often carry secrets (password-reset tokens, OAuth codes) that have no business in a chat backend.
 */
function pageUrl(mode: 'path' | 'full', href: string = location.href): string {
  if (mode === 'full' || !href) return href;
  try {
    const url = new URL(href);
    return url.origin + url.pathname;
  } catch {
    return '';
  }
}
