import type { ParamValue } from './params.js';

/**
 * The user a widget speaks for: the `user_id` inside the signed-params token, else the page's
 * `params.user_id`, else `undefined` (anonymous). The token is decoded, not verified: only the backend
 * can trust it; the client only needs to notice a switch of user.
 */
export function userIdOf(params: Readonly<Record<string, unknown>> | undefined, signedParams: string | undefined): ParamValue | undefined {
  const signed = signedParams ? signedUserId(signedParams) : undefined;
  return (signed ?? (params && Object.hasOwn(params, 'user_id') ? params.user_id : undefined) ?? undefined) as ParamValue | undefined;
}

/** The storage identity for transcripts: `anonymous`, or a hash of the user id so keys do not spell it out. */
export function identityOf(params: Readonly<Record<string, unknown>>, signedParams: string | undefined): string {
  const user = userIdOf(params, signedParams);
  return user === undefined || user === null ? 'anonymous' : `user:${hash(String(user))}`;
}

function signedUserId(token: string): unknown {
  try {
    const base64 = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    // atob takes base64 without its padding (the spec's forgiving decode) and yields bytes as Latin-1
    // characters; the JSON inside is UTF-8.
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    // Own keys only: a missing key must not be read from a polluted Object.prototype.
    const payload: unknown = JSON.parse(json);
    const params = ownValue(payload, 'params');
    return ownValue(params, 'user_id');
  } catch {
    return undefined; // not a token we can read: fall back to the plain params
  }
}

/** FNV-1a, 32 bits: short, stable keys. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

function ownValue(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
