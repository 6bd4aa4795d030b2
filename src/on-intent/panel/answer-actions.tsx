import { Component } from 'preact';
import type { Rating } from '../../contract/protocol.js';
import type { WidgetStrings } from '../../i18n/strings.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';
import { shownSources } from '../conversation/shown-sources.js';
import { CopyIcon, ThumbDownIcon, ThumbUpIcon } from './icons.js';

/** How long "Copied" stays visible. */
const COPIED_MS = 2000;

interface AnswerActionsProps {
  message: ChatMessage;
  strings: WidgetStrings;
  onRate: (queryId: string, rating: Rating) => void;
}

/** Under a finished answer: copy its markdown source, and rate it (toggles; pressing the pressed one takes it back). */
export class AnswerActions extends Component<AnswerActionsProps, { copied: boolean }> {
  override state = { copied: false };
  #timer: ReturnType<typeof setTimeout> | undefined;

  override componentWillUnmount(): void {
    clearTimeout(this.#timer);
  }

  readonly #copy = (): void =>
    void navigator.clipboard?.writeText(this.props.message.text).then(
      () => {
        clearTimeout(this.#timer);
        this.setState({ copied: true });
        this.#timer = setTimeout(() => this.setState({ copied: false }), COPIED_MS);
      },
      () => undefined,
    );

  override render({ message, strings, onRate }: AnswerActionsProps, { copied }: { copied: boolean }) {
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
        <button type="button" class="action" aria-label={strings.copy} onClick={this.#copy}>
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
