import type { RefObject } from 'preact';
import type { Rating } from '../../contract/protocol.js';
import type { Agent } from '../../at-load/core/agent.js';
import type { AgentState } from '../../at-load/core/agent-state.js';
import { inProgress } from '../conversation/in-progress.js';
import { Composer } from './composer.js';
import { CloseIcon } from './icons.js';
import { MessageList } from './message-list.js';
import { handedOver } from '../conversation/handoff.js';

interface ChatPanelProps {
  agent: Agent;
  state: AgentState;
  panelId: string;
  inputRef: RefObject<HTMLTextAreaElement | null>;
  onClose?: () => void;
}

/** Header, conversation and composer; a dialog above the launcher in bubble mode, a region inline. */
export function ChatPanel({ agent, state, panelId, inputRef, onClose }: ChatPanelProps) {
  const { strings } = agent.options;
  const bubble = agent.options.mode === 'bubble';
  const titleId = `${panelId}-title`;
  // Failures are shown in the message list; the promise rejection is handled there, not here.
  const send = (text: string) => void agent.send(text).catch(() => undefined);
  // The panel is there once the conversation is: its Retry goes to it.
  const retry = (queryId: string) =>
    void agent
      .conversation()
      .then((conversation) => conversation.retry(queryId))
      .catch(() => undefined);
  const rate = (queryId: string, rating: Rating) =>
    void agent.ask((conversation) => conversation.rate(queryId, rating)).catch(() => undefined);
  const working = state.messages.filter(inProgress);
  const { handoff } = agent.options;
  // The button goes once the hand-off is done: the focus moves to the composer, not to the page.
  const handOff = () =>
    void agent
      .ask((conversation) => conversation.requestHandoff())
      .then(
        () => inputRef.current?.focus(),
        () => undefined,
      );
  // Said once per wait, politely; the status line that follows is shown, not announced over it.
  const announcement = working.some((message) => message.text === '') ? strings.typing : '';

  return (
    <section
      id={panelId}
      class={`panel${state.open || !bubble ? ' open' : ''}`}
      part="panel"
      role={bubble ? 'dialog' : 'region'}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && onClose) {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <div class="header" part="header">
        <h2 id={titleId}>{strings.title}</h2>
        {onClose && (
          <button type="button" class="icon-button" aria-label={strings.close} onClick={onClose}>
            <CloseIcon />
          </button>
        )}
      </div>
      <MessageList messages={state.messages} options={agent.options} onSend={send} onRetry={retry} onRate={rate} />
      {/* The hand-off action, unless the last word is a hand-off's notice. */}
      {handoff && !handedOver({ state }) && (
        <button type="button" class="chip handoff" onClick={handOff}>
          {(typeof handoff === 'object' && handoff.label) || strings.handoff}
        </button>
      )}
      <div class="sr announcer" aria-live="polite">
        {announcement}
      </div>
      {!state.online && (
        <div class="notice" role="status">
          {strings.offline}
        </div>
      )}
      <Composer strings={strings} onSend={send} inputRef={inputRef} {...(working.length ? { onStop: () => agent.stop() } : {})} />
    </section>
  );
}
