import type { WidgetStrings } from './strings.js';

// The built-in tables other than English, which come with the panel: a page pays for a locale's
// texts only once its visitor shows intent. Their launcher texts are in strings.ts, for the page load.

const tr: WidgetStrings = {
  title: 'Asistanımıza sorun',
  greeting: 'Merhaba! Size bugün nasıl yardımcı olabilirim?',
  placeholder: 'Mesajınızı yazın…',
  send: 'Gönder',
  open: 'Sohbeti aç',
  close: 'Sohbeti kapat',
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
  loading: 'Sohbet yükleniyor…',
  loadFailed: 'Sohbet yüklenemedi. Bağlantınızı kontrol edip yeniden açın.',
  stop: 'Durdur',
  stopped: 'Durduruldu',
  copy: 'Kopyala',
  copied: 'Kopyalandı',
  rateUp: 'Faydalı',
  rateDown: 'Faydalı değil',
  sources: 'Kaynaklar',
  suggestions: 'Önerilen sorular',
  unread: '{n} yeni mesaj',
};

const LOCALES: Record<string, WidgetStrings> = { tr };

/**
 * Fills the widget's strings with its locale's full table, under the page's own overrides (`title`,
 * `greeting`, `placeholder`, `strings`), in place: the launcher reads the same object.
 */
export function completeStrings(options: { builtInLocale: string; strings: WidgetStrings; stringOverrides: Partial<WidgetStrings> }): void {
  Object.assign(options.strings, LOCALES[options.builtInLocale], options.stringOverrides);
}
