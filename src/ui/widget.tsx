import { useEffect, useRef } from 'preact/hooks';
import type { Agent } from '../sdk/agent.js';
import type { WidgetShell } from '../shell/shell.js';
import { useFullScreen } from './full-screen.js';
import { ChatPanel } from './panel.js';
import { useAgentState } from './use-agent-state.js';

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
 * The panel, beside the launcher the shell drew at load (bubble mode), or alone inline. It is rendered
 * whole as soon as it is mounted (on intent, off the page's load), so opening only shows it.
 */
export function Widget({ agent, shell, focusComposer }: WidgetProps) {
  const state = useAgentState(agent);
  const { mode } = agent.options;
  const input = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(state.open && !focusComposer);
  const opener = useRef<HTMLElement | null>(null);
  // The element focused when the panel opened, inside our shadow root or on the host page (its own launcher).
  if (state.open && !wasOpen.current) opener.current = focusedElement();

  useEffect(() => {
    // Opening moves focus to the composer; closing returns it to the element that opened the panel.
    const opening = state.open && !wasOpen.current;
    if (!state.open && wasOpen.current) {
      const back = opener.current?.isConnected ? opener.current : shell.launcher;
      back?.focus();
    }
    wasOpen.current = state.open;
    if (!opening) return undefined;
    // After the panel became visible (visibility is transitioned), or focus would not move.
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [state.open]);

  useFullScreen(mode === 'bubble' && state.open, shell.root);

  return (
    <ChatPanel
      agent={agent}
      state={state}
      panelId={shell.panelId}
      inputRef={input}
      {...(mode === 'bubble' ? { onClose: () => agent.close() } : {})}
    />
  );
}
