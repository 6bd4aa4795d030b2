import type { LauncherStrings, WidgetStrings } from './strings.js';

// English's table comes with the panel: a page pays for a locale's texts only once its visitor shows
// intent. The other built-in locales' tables are parts of their own (panel-strings/), which only their
// visitors load, beside the panel. Every locale's launcher texts are in strings.ts, for the page load.
export type PanelStrings = Omit<WidgetStrings, keyof LauncherStrings>;

const en: PanelStrings = {
  title: 'Ask our assistant',
  greeting: 'Hi! How can I help you today?',
  placeholder: 'Type your message…',
  send: 'Send',
  retry: 'Retry',
  typing: 'The assistant is typing',
  offline: 'You are offline. Messages will be sent when the connection returns.',
  failed: 'The message could not be sent.',
  retrying: 'Connection problem, retrying…',
  sessionExpired: 'Your session has expired. Please reload the page or sign in again.',
  unavailable: "This chat isn't available on this site.",
  you: 'You',
  agent: 'Assistant',
  charactersLeft: '{n} characters left',
  stop: 'Stop',
  stopped: 'Stopped',
  copy: 'Copy',
  copied: 'Copied',
  rateUp: 'Helpful',
  rateDown: 'Not helpful',
  sources: 'Sources',
  suggestions: 'Suggested questions',
  handoff: 'Talk to a person',
  handoffDone: 'A person from our team will follow up.',
};

/**
 * Fills the widget's strings with its locale's full table (English's when none is given), under the
 * page's own overrides (`title`, `greeting`, `placeholder`, `strings`), in place: the launcher reads the
 * same object.
 */
export function completeStrings(
  options: { strings: WidgetStrings; stringOverrides: Partial<WidgetStrings> },
  table: PanelStrings = en,
): void {
  Object.assign(options.strings, table, options.stringOverrides);
}
