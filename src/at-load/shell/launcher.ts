import type { Agent } from '../core/agent.js';

// Drawn without Preact: the launcher is all most visitors ever see, so it comes with the first part.
// (No `focusable="false"` on the icon: only Internet Explorer and old Edge, which es2022 leaves out, needed it.)
const CHAT_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const CLOSE_PATH = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';
const SVG = 'http://www.w3.org/2000/svg';

/**
 * The round button that opens and closes the bubble panel (unless `launcher: false`), with a count of
 * the answers that came while it was closed; a polite status says that count to screen readers, with
 * or without the button. Both follow the agent's state.
 */
export function createLauncher(agent: Agent, root: HTMLElement): HTMLButtonElement | undefined {
  const { strings } = agent.options;
  const status = root.appendChild(document.createElement('div'));
  status.className = 'sr unread';
  status.setAttribute('aria-live', 'polite');
  const button = agent.options.launcher ? root.appendChild(document.createElement('button')) : undefined;
  let badge: HTMLSpanElement | undefined;
  let path: SVGPathElement | undefined;
  if (button) {
    button.type = 'button';
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    const svg = button.appendChild(document.createElementNS(SVG, 'svg'));
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    path = svg.appendChild(document.createElementNS(SVG, 'path'));
    badge = button.appendChild(document.createElement('span'));
    badge.className = 'badge';
    badge.setAttribute('aria-hidden', 'true');
    // A handler property, not a listener: it goes with the button, and nothing outlives destroy().
    button.onclick = () => agent.toggle();
  }
  let shown: string | undefined;
  const show = () => {
    const { open, unread } = agent.state;
    if (`${open}${unread}` === shown) return;
    shown = `${open}${unread}`;
    const news = unread ? strings.unread.replace('{n}', String(unread)) : '';
    status.textContent = news;
    if (!button || !badge || !path) return;
    // The count is part of the name (not in parentheses, which name-matching tools drop).
    button.setAttribute('aria-label', open ? strings.close : news ? `${strings.open}, ${news}` : strings.open);
    button.setAttribute('aria-expanded', String(open));
    path.setAttribute('d', open ? CLOSE_PATH : CHAT_PATH);
    badge.textContent = unread ? (unread > 99 ? '99+' : String(unread)) : '';
  };
  show();
  agent.subscribe(show);
  return button;
}
