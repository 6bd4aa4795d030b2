import type { AgentEvents, AgentState } from './agent-state.js';
import { dispatchDomEvent } from './dom-events.js';
import { Emitter } from './emitter.js';
import { ObservableState } from './observable-state.js';
import type { NormalizedOptions } from './options.js';

/** How the state changes reach the page: `store` keeps them for the next load, `stream` renders at most once a frame. */
export type StateChange = 'store' | 'show' | 'stream';

/**
 * What an agent shows and tells: its state (open or closed, online, the conversation's messages), which
 * the launcher and the panel render, and its events. The agent ({@link Agent}) adds the rest.
 */
export abstract class AgentView {
  /** Each event is also an `aicado:<event>` DOM event from `options.eventTarget`, else from the widget's element. */
  readonly events = new Emitter<AgentEvents>((name, payload) =>
    dispatchDomEvent(this.options.eventTarget ?? this.element ?? document, this.options.agentId, name, payload),
  );
  /** The widget's element on the page, set when it is mounted. */
  element: EventTarget | undefined;
  readonly #view: ObservableState<AgentState>;
  /** A state change made before the conversation was there, for it to store. */
  protected unsaved = false;

  constructor(readonly options: NormalizedOptions) {
    this.#view = new ObservableState<AgentState>({
      open: options.mode === 'bubble' && options.open,
      online: navigator.onLine !== false,
      conversationId: '',
      messages: [],
      unread: 0,
    });
    window.addEventListener('online', this.#onConnectivity);
    window.addEventListener('offline', this.#onConnectivity);
  }

  abstract get isDestroyed(): boolean;

  /** Stores the state with the conversation; false while there is none yet. */
  protected abstract persist(): boolean;

  get state(): AgentState {
    return this.#view.value;
  }

  subscribe(listener: () => void): () => void {
    return this.#view.subscribe(listener);
  }

  /** Changes the state; see {@link StateChange}. Stored once the conversation is there. */
  update(patch: Partial<AgentState>, how: StateChange = 'store'): void {
    const state = { ...this.state, ...patch };
    if (how === 'stream') return this.#view.stream(state);
    this.#view.value = state;
    if (how === 'store' && !this.persist()) this.unsaved = true;
    this.#view.set(state);
  }

  open(): void {
    if (this.isDestroyed || this.state.open || this.options.mode !== 'bubble') return;
    const hadUnread = this.state.unread > 0;
    this.update({ open: true, unread: 0 });
    this.events.emit('open', {});
    if (hadUnread) this.events.emit('unread', { count: 0 });
  }

  close(): void {
    if (this.isDestroyed || !this.state.open) return;
    this.update({ open: false });
    this.events.emit('close', {});
  }

  toggle(): void {
    if (this.state.open) this.close();
    else this.open();
  }

  /** Stops telling the page anything: listeners forgotten, the connection no longer watched. */
  protected stopView(): void {
    window.removeEventListener('online', this.#onConnectivity);
    window.removeEventListener('offline', this.#onConnectivity);
    this.#view.clear();
    this.events.clear();
  }

  readonly #onConnectivity = (): void => {
    // Not stored: every tab sees the connection change itself.
    this.update({ online: navigator.onLine !== false }, 'show');
  };
}
