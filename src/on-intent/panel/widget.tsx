import { Component, createRef } from 'preact';
import type { Agent } from '../../at-load/core/agent.js';
import type { AgentState } from '../../at-load/core/agent-state.js';
import type { WidgetShell } from '../../at-load/shell/shell.js';
import { followFullScreen } from './full-screen.js';
import { ChatPanel } from './panel.js';

interface WidgetProps {
  agent: Agent;
  shell: WidgetShell;
  /** The visitor opened the panel before its code had arrived: move focus in as soon as it is there. */
  focusComposer: boolean;
}

/** The focused element, looking into open shadow roots (ours included). */
function focusedElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * The panel, rendered whole once mounted so that opening only shows it. A class, as every stateful
 * component of the panel, so Preact's hooks module is not loaded.
 */
export class Widget extends Component<WidgetProps, { agent: AgentState }> {
  readonly #input = createRef<HTMLTextAreaElement>();
  /** Whether the panel was open at the last render's effects. */
  #wasOpen: boolean;
  /** The element focused when the panel opened, inside our shadow root or on the host page (its own launcher). */
  #opener: HTMLElement | null = null;
  #unsubscribe: (() => void) | undefined;
  #focusTimer: ReturnType<typeof setTimeout> | undefined;
  /** Undoes the full-screen panel of a phone, while the bubble is open. */
  #fullScreen: (() => void) | undefined;

  constructor(props: WidgetProps) {
    super(props);
    this.state = { agent: props.agent.state };
    this.#wasOpen = props.agent.state.open && !props.focusComposer;
  }

  override componentDidMount(): void {
    const { agent } = this.props;
    // Subscribed right after the first render, which the state it had then may already be behind.
    this.#unsubscribe = agent.subscribe(() => this.setState({ agent: agent.state }));
    this.setState({ agent: agent.state });
    this.#opened();
  }

  override componentDidUpdate(): void {
    this.#opened();
  }

  override componentWillUnmount(): void {
    this.#unsubscribe?.();
    clearTimeout(this.#focusTimer);
    this.#fullScreen?.();
  }

  /** After a render: opening moves focus to the composer; closing returns it to the element that opened the panel. */
  #opened(): void {
    const { agent, shell } = this.props;
    const { open } = this.state.agent;
    if (open !== this.#wasOpen) {
      this.#wasOpen = open;
      clearTimeout(this.#focusTimer);
      if (open) {
        // After the panel became visible (visibility is transitioned), or focus would not move.
        this.#focusTimer = setTimeout(() => this.#input.current?.focus(), 0);
      } else {
        const back = this.#opener?.isConnected ? this.#opener : shell.launcher;
        back?.focus();
      }
    }
    const fullScreen = agent.options.mode === 'bubble' && open;
    if (fullScreen && !this.#fullScreen) this.#fullScreen = followFullScreen(shell.root);
    else if (!fullScreen && this.#fullScreen) {
      this.#fullScreen();
      this.#fullScreen = undefined;
    }
  }

  override render({ agent, shell }: WidgetProps, { agent: state }: { agent: AgentState }) {
    if (state.open && !this.#wasOpen) this.#opener = focusedElement();
    return (
      <ChatPanel
        agent={agent}
        state={state}
        panelId={shell.panelId}
        inputRef={this.#input}
        {...(agent.options.mode === 'bubble' ? { onClose: () => agent.close() } : {})}
      />
    );
  }
}
