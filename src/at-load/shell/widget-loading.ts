import type { PanelStrings } from '../../i18n/locales.js';
import type { Agent } from '../core/agent.js';
import type { LazyPart } from '../lazy-part.js';
import { whenIdle } from '../loader/load-part.js';
import type { WidgetShell } from './shell.js';

/** With no sign of intent, the lazy part still loads once the page has been idle this long after init. */
export const IDLE_LOAD_DELAY_MS = 3000;

/**
 * Loads the panel on the first sign the visitor may open it (launcher hovered or focused, `open()`, a query,
 * inline mode, an idle page) and mounts it; a failed load leaves the launcher, and opening again retries.
 */
export function lazyWidget(
  agent: Agent,
  shell: WidgetShell,
  load: () => Promise<readonly [LazyPart, PanelStrings | undefined]>,
  resumed: boolean,
): () => void {
  const { strings, mode } = agent.options;
  const notice = shell.root.appendChild(document.createElement('div'));
  notice.className = 'load-notice';
  notice.setAttribute('role', 'status');
  let unmount: (() => void) | undefined;
  let loading = false;
  let failed = false;
  let { open: wasOpen, online: wasOnline } = agent.state;
  // An open asked for after init moves focus into the composer once the panel is there; one at load does not.
  let requested = false;

  const ensure = (needed: boolean): void => {
    if (unmount || agent.isDestroyed) return;
    if (needed && failed) notice.textContent = strings.loading;
    if (loading) return;
    loading = true;
    load().then(
      ([part, panelStrings]) => {
        if (unmount || agent.isDestroyed) return;
        unmount = part.mountWidget(agent, shell, { focusComposer: agent.state.open && requested, panelStrings });
        shell.launcher?.setAttribute('aria-controls', shell.panelId);
        notice.textContent = '';
      },
      () => {
        loading = false;
        failed = true;
        // The panel was asked for and cannot come: say so; the launcher stays, ready to retry.
        if (agent.isDestroyed || !(agent.state.open || mode === 'inline')) return;
        agent.close();
        notice.textContent = strings.loadFailed;
      },
    );
  };
  const warm = () => ensure(false);

  // The agent forgets these when destroyed; the launcher's handlers go with the launcher.
  agent.subscribe(() => {
    const { open, online } = agent.state;
    if (open && !wasOpen) requested = true;
    // Opening needs the panel; so does an inline widget whose load failed, once the connection is back.
    if ((open && !wasOpen) || (mode === 'inline' && online && !wasOnline)) ensure(true);
    wasOpen = open;
    wasOnline = online;
  });
  if (shell.launcher) shell.launcher.onpointerenter = shell.launcher.onfocus = warm;
  const cancelIdle = whenIdle(IDLE_LOAD_DELAY_MS, warm);
  // Inline and an open bubble show the panel at once; a resumed query's answer renders as it streams.
  if (agent.state.open || mode === 'inline' || resumed) ensure(true);

  return () => {
    cancelIdle();
    unmount?.();
  };
}
