import type { Rating } from '../../contract/protocol.js';
import type { NormalizedOptions } from '../../at-load/core/options.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';
import { AnswerActions, SourceList } from './answer-actions.js';
import { renderMarkdown } from './markdown.js';
import { MessageTime } from './message-time.js';

export interface MessageBubbleProps {
  message: ChatMessage;
  /** Still on its way. */
  working: boolean;
  options: NormalizedOptions;
  onRetry: (queryId: string) => void;
  onRate: (queryId: string, rating: Rating) => void;
}

/**
 * One message: the visitor's as text; the agent's as markdown, with its progress, sources, time and actions.
 * `dir="auto"` takes the visitor's bubble's direction from its own text (an English question in an Arabic
 * widget reads left to right); its hidden label keeps the widget's, as an element with `dir` is skipped there.
 */
export function MessageBubble({ message, working, options, onRetry, onRate }: MessageBubbleProps) {
  const { strings, locale, agentName, avatarUrl } = options;
  if (message.role === 'notice') {
    return (
      <div class="msg notice" role="note">
        {message.text}
      </div>
    );
  }
  if (message.role === 'user') {
    return (
      <div class="msg user" dir="auto">
        <span class="sr" dir={options.dir}>
          {strings.you}:{' '}
        </span>
        {message.text}
        <div class="meta">
          <MessageTime at={message.at} locale={locale} />
        </div>
      </div>
    );
  }
  const waiting = working && message.text === '';
  const finished = message.status === 'done' || message.status === 'stopped';
  return (
    <div class="msg agent" aria-busy={working ? 'true' : undefined}>
      {(agentName || avatarUrl) && (
        <div class="who">
          {avatarUrl && <img class="avatar" src={avatarUrl} alt="" width={20} height={20} />}
          {agentName && <span class="name">{agentName}</span>}
        </div>
      )}
      <span class="sr">{strings.agent}: </span>
      {waiting ? (
        // Visible, and still under reduced motion (the dots just stop blinking); announced by the panel's announcer.
        <span class="typing" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
      ) : (
        renderMarkdown(message.text)
      )}
      {waiting && message.progress && <div class="progress">{message.progress}</div>}
      {message.status === 'stopped' && <div class="status">{strings.stopped}</div>}
      {message.status === 'retrying' && <div class="status">{strings.retrying}</div>}
      {message.status === 'failed' &&
        (message.errorCode === 'invalid_signed_params' || message.errorCode === 'origin_not_allowed' ? (
          // Retrying cannot help: the host supplies a fresh token (setSignedParams), or allows its origin.
          <div class="status error">{message.errorCode === 'origin_not_allowed' ? strings.unavailable : strings.sessionExpired}</div>
        ) : (
          <div class="status error">
            <span>{strings.failed}</span>
            <button type="button" onClick={() => onRetry(message.queryId)}>
              {strings.retry}
            </button>
          </div>
        ))}
      {finished && <SourceList message={message} strings={strings} />}
      <div class="meta">
        <MessageTime at={message.at} locale={locale} />
        {finished && <AnswerActions message={message} strings={strings} onRate={onRate} />}
      </div>
    </div>
  );
}
