import type { PanelStrings } from '../locales.js';

/** The panel's texts in Turkish: a part of their own, loaded with the panel by a visitor whose widget speaks it. */
export const strings: PanelStrings = {
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
  handoff: 'Bir kişiyle görüşün',
  handoffDone: 'Ekibimizden biri size dönüş yapacak.',
};
