import type { LauncherStrings, WidgetStrings } from './strings.js';

// The built-in tables, English's too, which come with the panel: a page pays for a locale's texts
// only once its visitor shows intent. Their launcher texts are in strings.ts, for the page load.
type PanelStrings = Omit<WidgetStrings, keyof LauncherStrings>;

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
};

const tr: PanelStrings = {
  title: 'Asistanımıza sorun',
  greeting: 'Merhaba! Size bugün nasıl yardımcı olabilirim?',
  placeholder: 'Mesajınızı yazın…',
  send: 'Gönder',
  retry: 'Tekrar dene',
  typing: 'Asistan yazıyor',
  offline: 'Çevrimdışısınız. Bağlantı gelince mesajlar gönderilecek.',
  failed: 'Mesaj gönderilemedi.',
  retrying: 'Bağlantı sorunu, yeniden deneniyor…',
  sessionExpired: 'Oturumunuzun süresi doldu. Lütfen sayfayı yenileyin veya yeniden giriş yapın.',
  unavailable: 'Bu sohbet bu sitede kullanılamıyor.',
  you: 'Siz',
  agent: 'Asistan',
  charactersLeft: '{n} karakter kaldı',
  stop: 'Durdur',
  stopped: 'Durduruldu',
  copy: 'Kopyala',
  copied: 'Kopyalandı',
  rateUp: 'Faydalı',
  rateDown: 'Faydalı değil',
  sources: 'Kaynaklar',
  suggestions: 'Önerilen sorular',
};

const ar: PanelStrings = {
  title: 'اسأل مساعدنا',
  greeting: 'مرحبًا! كيف يمكنني مساعدتك اليوم؟',
  placeholder: 'اكتب رسالتك…',
  send: 'إرسال',
  retry: 'إعادة المحاولة',
  typing: 'المساعد يكتب',
  offline: 'أنت غير متصل بالإنترنت. ستُرسل الرسائل عند عودة الاتصال.',
  failed: 'تعذّر إرسال الرسالة.',
  retrying: 'مشكلة في الاتصال، جارٍ إعادة المحاولة…',
  sessionExpired: 'انتهت صلاحية جلستك. يُرجى إعادة تحميل الصفحة أو تسجيل الدخول مجددًا.',
  unavailable: 'هذه المحادثة غير متاحة على هذا الموقع.',
  you: 'أنت',
  agent: 'المساعد',
  charactersLeft: 'الأحرف المتبقية: {n}',
  stop: 'إيقاف',
  stopped: 'تم الإيقاف',
  copy: 'نسخ',
  copied: 'تم النسخ',
  rateUp: 'مفيد',
  rateDown: 'غير مفيد',
  sources: 'المصادر',
  suggestions: 'أسئلة مقترحة',
};

const LOCALES: Record<string, PanelStrings> = { en, tr, ar };

/**
 * Fills the widget's strings with its locale's full table, under the page's own overrides (`title`,
 * `greeting`, `placeholder`, `strings`), in place: the launcher reads the same object.
 */
export function completeStrings(options: { builtInLocale: string; strings: WidgetStrings; stringOverrides: Partial<WidgetStrings> }): void {
  Object.assign(options.strings, LOCALES[options.builtInLocale], options.stringOverrides);
}
