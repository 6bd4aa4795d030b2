/** Languages written right to left, by the primary subtag of a BCP 47 locale (`ar-EG` → `ar`). */
const RIGHT_TO_LEFT = /^(ar|arc|ckb|dv|fa|he|iw|ps|sd|ug|ur|yi)(-|_|$)/i;

/** The writing direction of a locale's language. */
export const directionOf = (locale: string): 'ltr' | 'rtl' => (RIGHT_TO_LEFT.test(locale) ? 'rtl' : 'ltr');
