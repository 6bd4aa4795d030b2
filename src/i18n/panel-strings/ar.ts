import type { PanelStrings } from '../locales.js';

/** The panel's texts in Arabic: a part of their own, loaded with the panel by a visitor whose widget speaks it. */
export const strings: PanelStrings = {
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
  handoff: 'التحدث إلى شخص',
  handoffDone: 'سيتواصل معك أحد أعضاء فريقنا.',
};
