import { useEffect, useState } from 'preact/hooks';
import type { Rating } from '../contract/protocol.js';
import type { WidgetStrings } from '../i18n/strings.js';
import type { ChatMessage } from '../sdk/transcript.js';
import { shownSources } from '../sdk/shown-sources.js';
import { CopyIcon, ThumbDownIcon, ThumbUpIcon } from './icons.js';

/** How long "Copied" stays visible. */
const COPIED_MS = 2000;

interface AnswerActionsProps {
  message: ChatMessage;
  strings: WidgetStrings;
  onRate: (queryId: string, rating: Rating) => void;
}

/** Under a finished answer: copy its markdown source, and rate it (toggles; pressing the pressed one takes it back). */
export function AnswerActions({ message, strings, onRate }: AnswerActionsProps) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(false), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = () => void navigator.clipboard?.writeText(message.text).then(() => setCopied(true), () => undefined);
  const rate = (rating: 'up' | 'down') => (
    <button
      type="button"
      class="action"
      aria-label={rating === 'up' ? strings.rateUp : strings.rateDown}
      aria-pressed={message.rating === rating ? 'true' : 'false'}
      onClick={() => onRate(message.queryId, message.rating === rating ? null : rating)}
    >
      {rating === 'up' ? <ThumbUpIcon /> : <ThumbDownIcon />}
    </button>
  );
  return (
    <div class="actions">
      <button type="button" class="action" aria-label={strings.copy} onClick={copy}>
        <CopyIcon />
      </button>
      {rate('up')}
      {rate('down')}
      <span class="copied" role="status">
        {copied ? strings.copied : ''}
      </span>
    </div>
  );
}

/** What an answer cites, numbered, each opening in a new tab; titles are plain text. */
export function SourceList({ message, strings }: { message: ChatMessage; strings: WidgetStrings }) {
  const sources = shownSources(message);
  if (!sources.length) return null;
  return (
    <ol class="sources" aria-label={strings.sources}>
      {sources.map(({ title, url }, index) => (
        <li key={index}>
          <a href={url} target="_blank" rel="noopener noreferrer">
            {title.trim() || new URL(url).host}
          </a>
        </li>
      ))}
    </ol>
  );
}
