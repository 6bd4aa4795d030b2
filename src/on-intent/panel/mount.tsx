import { render } from 'preact';
import { completeStrings } from '../../i18n/locales.js';
import type { LazyPart } from '../../at-load/lazy-part.js';
import { WIDGET_CSS } from './styles.js';
import { Widget } from './widget.js';

/** Renders the panel into the shell the page built at load; returns the function that removes it. */
export const mountWidget: LazyPart['mountWidget'] = (agent, shell, { focusComposer, panelStrings }) => {
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
