import { Component, createRef, type VNode } from 'preact';
import type { Rating } from '../../contract/protocol.js';
import type { NormalizedOptions } from '../../at-load/core/options.js';
import type { ChatMessage } from '../../at-load/core/agent-state.js';
import { inProgress } from '../conversation/in-progress.js';
import { MessageBubble } from './message-bubble.js';

interface MessageListProps {
  messages: readonly ChatMessage[];
  options: NormalizedOptions;
  onSend: (text: string) => void;
  onRetry: (queryId: string) => void;
  onRate: (queryId: string, rating: Rating) => void;
}

/** How close to the bottom (px) still counts as "following" the conversation. */
const STICKY_DISTANCE = 48;

/** The conversation: a polite live log that follows new text unless the visitor scrolled up. */
export class MessageList extends Component<MessageListProps> {
  readonly #list = createRef<HTMLDivElement>();
  /** Whether the visitor is at the bottom of the conversation, following it. */
  #following = true;
  // The agent replaces only the message that changed, so an unchanged message keeps its object and,
  // through this cache, its vnode: Preact skips it, and a streaming answer re-renders one bubble.
  readonly #bubbles = new WeakMap<ChatMessage, VNode>();

  override componentDidMount(): void {
    this.#follow();
  }

  override componentDidUpdate(previous: MessageListProps): void {
    if (previous.messages !== this.props.messages) this.#follow();
  }

  /** Scrolls to the newest text, unless the visitor scrolled up; before the browser paints. */
  #follow(): void {
    const element = this.#list.current;
    if (element && this.#following) element.scrollTop = element.scrollHeight;
  }

  readonly #onScroll = (): void => {
    const element = this.#list.current;
    if (element) this.#following = element.scrollHeight - element.scrollTop - element.clientHeight < STICKY_DISTANCE;
  };

  override render({ messages, options, onSend, onRetry, onRate }: MessageListProps) {
    const { strings, suggestions } = options;
    const bubbles = this.#bubbles;
    return (
      <div
        ref={this.#list}
        class="messages"
        part="messages"
        role="log"
        aria-live="polite"
        aria-label={strings.title}
        tabIndex={0}
        onScroll={this.#onScroll}
      >
        {strings.greeting && (
          <div class="msg agent greeting" dir="auto">
            <span class="sr" dir={options.dir}>
              {strings.agent}:{' '}
            </span>
            {strings.greeting}
          </div>
        )}
        {messages.length === 0 && suggestions.length > 0 && (
          <div class="chips" role="group" aria-label={strings.suggestions}>
            {suggestions.map((text) => (
              <button key={text} type="button" class="chip" onClick={() => onSend(text)}>
                {text}
              </button>
            ))}
          </div>
        )}
        {messages.map((message) => {
          let bubble = bubbles.get(message);
          if (!bubble) {
            bubble = (
              <MessageBubble
                key={message.id}
                message={message}
                working={inProgress(message)}
                options={options}
                onRetry={onRetry}
                onRate={onRate}
              />
            );
            bubbles.set(message, bubble);
          }
          return bubble;
        })}
      </div>
    );
  }
}
