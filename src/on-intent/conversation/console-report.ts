import type { AicadoError } from '../../contract/errors.js';

/** What to do about a final failure whose message does not say it already. */
const FIXES: Readonly<Record<string, string>> = {
  not_found: 'check apiBase',
  network: 'check apiBase, and that the API is up',
};

/**
 * Tells the developer of each final failure once, in the console, with no listener needed:
 * `[aicado] <code>: <message>; <fix>`, one line per code for the page's life, however many queries it
 * fails. `logLevel: 'silent'` turns it off.
 */
export function consoleReporter(logLevel: 'error' | 'silent' | undefined): (error: AicadoError) => void {
  const said = new Set<string>();
  return (error) => {
    if (logLevel === 'silent' || said.has(error.code)) return;
    said.add(error.code);
    const fix = FIXES[error.code];
    console.error(`[aicado] ${error.code}: ${error.message}${fix ? `; ${fix}` : ''}`);
  };
}
