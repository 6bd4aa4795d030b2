import type { PanelStrings } from '../i18n/locales.js';
import type { Agent, CreateConversation } from './core/agent.js';
import type { WidgetShell } from './shell/shell.js';

/** What the first part imports on intent (src/on-intent/index.ts): the one interface between the two parts. */
export interface LazyPart {
  /** The conversation of an agent, which it loads on its first need. */
  createConversation: CreateConversation;
  /**
   * Renders the panel into the shell the page built at load; returns the unmount. `panelStrings`: the
   * locale's table when it is not English (its own part, loaded beside this one).
   */
  mountWidget(agent: Agent, shell: WidgetShell, options: { focusComposer: boolean; panelStrings: PanelStrings | undefined }): () => void;
}
