import { SOURCES_LIMITS } from './protocol.js';

/**
 * An absolute http(s) URL of at most `SOURCES_LIMITS.maxUrlLength` characters, as a browser parses it
 * (so `java\tscript:` is caught). One rule for the backend's schema and the browser's guard.
 */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > SOURCES_LIMITS.maxUrlLength) return false;
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
