import type { Agent } from '../sdk/agent.js';

// Drawn without Preact: the launcher is all most visitors ever see, so it comes with the first part.
// (No `focusable="false"` on the icon: only Internet Explorer and old Edge, which es2022 leaves out, needed it.)
const CHAT_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';
const CLOSE_PATH = 'M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z';
const SVG = 'http://www.w3.org/2000/svg';

/** The round button that opens and closes the bubble panel; it follows the agent's open state. */
export function createLauncher(agent: Agent, root: HTMLElement): HTMLButtonElement {
  const { strings } = agent.options;
  const button = root.appendChild(document.createElement('button'));
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  const svg = button.appendChild(document.createElementNS(SVG, 'svg'));
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = svg.appendChild(document.createElementNS(SVG, 'path'));
  let shown: boolean | undefined;
  const show = () => {
    const { open } = agent.state;
    if (open === shown) return;
    shown = open;
    button.setAttribute('aria-label', open ? strings.close : strings.open);
    button.setAttribute('aria-expanded', String(open));
    path.setAttribute('d', open ? CLOSE_PATH : CHAT_PATH);
  };
  show();
  agent.subscribe(show);
  // A handler property, not a listener: it goes with the button, and nothing outlives destroy().
  button.onclick = () => agent.toggle();
  return button;
}
