import type { VNode } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatMessage } from '../sdk/transcript.js';
import { renderMarkdown } from './markdown.js';
import type { WidgetStrings } from '../i18n/strings.js';

interface MessageListProps {
  messages: readonly ChatMessage[];
  strings: WidgetStrings;
  onRetry: (queryId: string) => void;
}

/** How close to the bottom (px) still counts as "following" the conversation. */
const STICKY_DISTANCE = 48;

/** The conversation: a polite live log that follows new text unless the visitor scrolled up. */
export function MessageList({ messages, strings, onRetry }: MessageListProps) {
  const list = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // The agent replaces only the message that changed, so an unchanged message keeps its object and,
  // through this cache, its vnode: Preact skips it, and a streaming answer re-renders one bubble.
  const bubbles = useRef(new WeakMap<ChatMessage, VNode>()).current;

  useLayoutEffect(() => {
    const element = list.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  const onScroll = () => {
    const element = list.current;
    if (element) following.current = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_DISTANCE;
  };

  return (
    <div ref={list} class="messages" part="messages" role="log" aria-live="polite" aria-label={strings.title} tabIndex={0} onScroll={onScroll}>
      {strings.greeting && (
        <div class="msg agent">
          <span class="sr">{strings.agent}: </span>
          {strings.greeting}
        </div>
      )}
      {messages.map((message) => {
        let bubble = bubbles.get(message);
        if (!bubble) bubbles.set(message, (bubble = <MessageBubble key={message.id} message={message} strings={strings} onRetry={onRetry} />));
        return bubble;
      })}
    </div>
  );
}

function MessageBubble({ message, strings, onRetry }: { message: ChatMessage; strings: WidgetStrings; onRetry: (id: string) => void }) {
  if (message.role === 'user') {
    return (
      <div class="msg user">
        <span class="sr">{strings.you}: </span>
        {message.text}
      </div>
    );
  }
  const waiting = message.text === '' && message.status !== 'failed' && message.status !== 'done';
  return (
    <div class="msg agent" aria-busy={message.status === 'streaming' || waiting ? 'true' : undefined}>
      <span class="sr">{strings.agent}: </span>
      {waiting ? (
        <span class="typing" role="img" aria-label={strings.typing}>
          <i />
          <i />
          <i />
        </span>
      ) : (
        renderMarkdown(message.text)
      )}
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
    </div>
  );
}
