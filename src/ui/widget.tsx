import { useEffect, useRef } from 'preact/hooks';
import type { Agent } from '../sdk/agent.js';
import type { WidgetShell } from '../shell/shell.js';
import { ChatPanel } from './panel.js';
import { useAgentState } from './use-agent-state.js';

interface WidgetProps {
  agent: Agent;
  shell: WidgetShell;
  /** The visitor opened the panel before its code had arrived: move focus in as soon as it is there. */
  focusComposer: boolean;
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

  useEffect(() => {
    // Opening moves focus to the composer; closing returns it to the launcher.
    const opening = state.open && !wasOpen.current;
    if (!state.open && wasOpen.current) shell.launcher?.focus();
    wasOpen.current = state.open;
    if (!opening) return undefined;
    // After the panel became visible (visibility is transitioned), or focus would not move.
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [state.open]);

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
