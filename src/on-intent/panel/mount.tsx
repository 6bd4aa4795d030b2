import { render } from 'preact';
import { completeStrings } from '../../i18n/locales.js';
import type { Agent } from '../conversation/agent.js';
import type { WidgetModule, WidgetShell } from '../../at-load/shell/shell.js';
import { WIDGET_CSS } from './styles.js';
import { Widget } from './widget.js';

/**
 * The lazy part's entry: renders the panel into the shell the page built at load, and returns a
 * function that removes it. Everything it needs of the SDK comes through `agent`, so this part carries
 * no second copy of the core.
 */
export const mountWidget: WidgetModule['mountWidget'] = (agent: Agent, shell: WidgetShell, { focusComposer, panelStrings }) => {
  completeStrings(agent.options, panelStrings);
  shell.addStyles(WIDGET_CSS);
  const slot = document.createElement('div');
  slot.className = 'panel-slot';
  shell.root.insertBefore(slot, shell.root.firstChild);
  try {
    render(<Widget agent={agent} shell={shell} focusComposer={focusComposer} />, slot);
  } catch (error) {
    slot.remove(); // nothing half-built stays on the page
    throw error;
  }
  return () => {
    render(null, slot);
    slot.remove();
  };
};
