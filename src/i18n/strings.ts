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
  /** The hand-off action (option `handoff`), and what the panel shows once the conversation was handed over. */
  handoff: string;
  handoffDone: string;
}

/** The texts the launcher shows before the panel's code arrives, in every built-in locale. */
export type LauncherStrings = Pick<WidgetStrings, 'open' | 'close' | 'loading' | 'loadFailed' | 'unread'>;

/**
 * The built-in locales, one entry each with its launcher's texts, which every page loads. Each but English
 * has its panel's texts in panel-strings/<locale>.ts, which the build and the imports find by that name.
 */
export const BUILT_IN_LOCALES: Readonly<Record<string, LauncherStrings>> = {
  en: {
    open: 'Open chat',
    close: 'Close chat',
    loading: 'Loading the chat…',
    loadFailed: 'The chat could not be loaded. Check your connection and open it again.',
    unread: '{n} new messages',
  },
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
  return Object.hasOwn(BUILT_IN_LOCALES, language) ? language : 'en';
}

/**
 * The strings a page has at load: the launcher's texts in the locale. The panel completes the
 * locale's table when it arrives (`completeStrings` in locales.ts).
 */
export const launcherStringsFor = (locale: string): LauncherStrings => BUILT_IN_LOCALES[builtInLocale(locale)]!;
