import type { Params } from '../contract/params.js';

/**
 * Who the widget speaks for: the `user_id` the host's server signed, else the page's `params.user_id`,
 * else anonymous. Transcripts are stored per identity, so one visitor never sees another's.
 */
export function identityOf(params: Params, signedParams: string | undefined): string {
  const signed = signedParams ? signedUserId(signedParams) : undefined;
  const user = signed ?? params.user_id;
  return user === undefined || user === null ? 'anonymous' : `user:${hash(String(user))}`;
}

/** Reads `params.user_id` from a signed-params JWT without verifying it (the backend verifies). */
function signedUserId(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const userId = (JSON.parse(json) as { params?: { user_id?: unknown } }).params?.user_id;
    return userId === undefined || userId === null ? undefined : String(userId);
  } catch {
    return undefined;
  }
}

/** FNV-1a, so storage keys do not spell out user ids. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
