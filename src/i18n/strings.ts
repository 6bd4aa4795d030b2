/** Every text the widget shows; `strings` in the options overrides any of them. */
export interface WidgetStrings {
  title: string;
  greeting: string;
  placeholder: string;
  send: string;
  open: string;
  close: string;
  retry: string;
  typing: string;
  offline: string;
  failed: string;
  retrying: string;
  sessionExpired: string;
  unavailable: string;
  you: string;
  agent: string;
  charactersLeft: string;
  /** Shown beside the launcher while the panel's code is fetched again after a failed load. */
  loading: string;
  loadFailed: string;
  stop: string;
  stopped: string;
  copy: string;
  copied: string;
  rateUp: string;
  rateDown: string;
  sources: string;
  suggestions: string;
  /** `{n}`: answers that came while the panel was closed. */
  unread: string;
}

const en: WidgetStrings = {
  title: 'Ask our assistant',
  greeting: 'Hi! How can I help you today?',
  placeholder: 'Type your message…',
  send: 'Send',
  open: 'Open chat',
  close: 'Close chat',
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
  loading: 'Loading the chat…',
  loadFailed: 'The chat could not be loaded. Check your connection and open it again.',
  stop: 'Stop',
  stopped: 'Stopped',
  copy: 'Copy',
  copied: 'Copied',
  rateUp: 'Helpful',
  rateDown: 'Not helpful',
  sources: 'Sources',
  suggestions: 'Suggested questions',
  unread: '{n} new messages',
};

/** The texts the launcher shows before the panel's code arrives, in every built-in locale. */
export type LauncherStrings = Pick<WidgetStrings, 'open' | 'close' | 'loading' | 'loadFailed' | 'unread'>;

// The other locales' launcher texts; the rest of their tables comes with the panel (locales.ts).
const LAUNCHER_STRINGS: Record<string, LauncherStrings> = {
  tr: {
    open: 'Sohbeti aç',
    close: 'Sohbeti kapat',
    loading: 'Sohbet yükleniyor…',
    loadFailed: 'Sohbet yüklenemedi. Bağlantınızı kontrol edip yeniden açın.',
    unread: '{n} yeni mesaj',
  },
  ar: {
    open: 'فتح المحادثة',
    close: 'إغلاق المحادثة',
    loading: 'جارٍ تحميل المحادثة…',
    loadFailed: 'تعذّر تحميل المحادثة. تحقّق من اتصالك ثم افتحها مجددًا.',
    unread: 'رسائل جديدة: {n}',
  },
};

/** The language of a BCP 47 locale (`tr-TR` → `tr`), lower case. */
export const languageOf = (locale: string): string => locale.toLowerCase().split(/[-_]/)[0] ?? '';

/** The built-in locale for a BCP 47 locale (`tr-TR` → `tr`, `ar-EG` → `ar`), `en` otherwise. */
export function builtInLocale(locale: string): string {
  const language = languageOf(locale);
  return Object.hasOwn(LAUNCHER_STRINGS, language) ? language : 'en';
}

/**
 * The strings a page has at load: English, with the launcher's texts in the locale. The panel
 * completes the locale's table when it arrives (`completeStrings` in locales.ts).
 */
export function stringsFor(locale: string): WidgetStrings {
  return { ...en, ...LAUNCHER_STRINGS[builtInLocale(locale)] };
}
