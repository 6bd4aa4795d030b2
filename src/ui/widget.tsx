import { useEffect, useRef } from 'preact/hooks';
import type { Agent } from '../sdk/agent.js';
import { LauncherButton } from './launcher.js';
import { ChatPanel } from './panel.js';
import { useAgentState } from './use-agent-state.js';

let instances = 0;

/** The whole widget: launcher and panel in bubble mode, the panel alone inline. */
export function Widget({ agent }: { agent: Agent }) {
  const state = useAgentState(agent);
  const { mode, theme } = agent.options;
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const panelId = useRef(`aicado-panel-${++instances}`).current;
  const everOpened = useRef(false);
  const wasOpen = useRef(state.open);
  if (state.open || mode === 'inline') everOpened.current = true;

  useEffect(() => {
    // Opening moves focus to the composer; closing returns it to the launcher.
    const opening = state.open && !wasOpen.current;
    if (!state.open && wasOpen.current) launcher.current?.focus();
    wasOpen.current = state.open;
    if (!opening) return undefined;
    // After the panel became visible (visibility is transitioned), or focus would not move.
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, [state.open]);

  const classes = ['root', mode, theme.colorScheme, theme.position === 'bottom-left' ? 'left' : '', state.open ? 'is-open' : ''];
  return (
    <div class={classes.filter(Boolean).join(' ')}>
      <ChatPanel
        agent={agent}
        state={state}
        panelId={panelId}
        inputRef={input}
        active={everOpened.current}
        {...(mode === 'bubble' ? { onClose: () => agent.close() } : {})}
      />
      {mode === 'bubble' && (
        <LauncherButton open={state.open} panelId={panelId} strings={agent.options.strings} onToggle={() => agent.toggle()} buttonRef={launcher} />
      )}
    </div>
  );
}
