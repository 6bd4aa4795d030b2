/** Formats with the widget's locale, or the browser's when that locale is unknown to `Intl`. */
function format(at: number, locale: string, options: Intl.DateTimeFormatOptions): string {
  try {
    return new Intl.DateTimeFormat(locale, options).format(at);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(at);
  }
}

/** When a message was sent or answered: the time of day, the full date in the tooltip. */
export function MessageTime({ at, locale }: { at: number | undefined; locale: string }) {
  if (at === undefined) return null;
  return (
    <time dateTime={new Date(at).toISOString()} title={format(at, locale, { dateStyle: 'full', timeStyle: 'short' })}>
      {format(at, locale, { hour: 'numeric', minute: '2-digit' })}
    </time>
  );
}
