import type { Params } from 'aicado-embed';

/** Who the widget speaks for: a `user_id` value, or `undefined` for an anonymous visitor. */
export type Identity = Params[string] | undefined;

/**
 * The `user_id` of the signed token's `params`, else of the plain `params`, else anonymous.
 * The token is decoded, not verified: only the server can trust it, the client just needs to notice a switch.
 */
export function identityOf(params: Readonly<Record<string, unknown>> | undefined, signedParams: string | undefined): Identity {
  const signed = signedParams ? signedUserId(signedParams) : undefined;
  return (signed ?? params?.user_id ?? undefined) as Identity;
}

function signedUserId(token: string): unknown {
  try {
    const payload = JSON.parse(decodeBase64Url(token.split('.')[1] ?? '')) as { params?: { user_id?: unknown } } | null;
    return payload?.params?.user_id ?? undefined;
  } catch {
    return undefined; // not a JWT we can read: fall back to the plain params
  }
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  // atob yields bytes as Latin-1 characters; the JSON is UTF-8.
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
