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
};

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
};


/** Built-in strings for a BCP 47 locale (`tr-TR` → `tr`), English otherwise. */
export function stringsFor(locale: string): WidgetStrings {
  return locale.toLowerCase().startsWith('tr') ? tr : en;
}
