import { AicadoError } from '../../contract/errors.js';
import type { Agent } from '../core/agent.js';
import { leavePlace, takePlace } from './corners.js';
import { SHELL_CSS } from './styles.js';

/** The element that hosts the widget's shadow root; a custom tag so host tag selectors miss it. */
export const HOST_TAG = 'aicado-embed';

/**
 * What the page gets at load, before the panel's code: the host element, its shadow root and the root
 * element the launcher and, later, the panel live in. The lazy part mounts the panel into it.
 */
export interface WidgetShell {
  readonly host: HTMLElement;
  /** The `.root` element: mode, theme and open state as classes. */
  readonly root: HTMLElement;
  /** The id the panel takes, so the launcher's `aria-controls` can name it. */
  readonly panelId: string;
  /** The built-in launcher (bubble mode). */
  launcher?: HTMLButtonElement;
  /** Adds a stylesheet after the shell's own, the same way (constructable, or `<style nonce>`). */
  addStyles(css: string): void;
  /** Takes the host element off the page (and its launcher out of its corner's stack). */
  remove(): void;
}

const sheets: Record<string, CSSStyleSheet> = {};
let instances = 0;

/** Builds the host element and its shadow root, in the inline container or at the end of `<body>`. */
export function createShell(agent: Agent): WidgetShell {
  const { agentId, mode, theme, nonce, container, dir, lang } = agent.options;
  const parent = mode === 'inline' ? resolveContainer(container) : (document.body ?? document.documentElement);
  const host = document.createElement(HOST_TAG);
  host.setAttribute('data-agent-id', agentId);
  host.setAttribute('data-mode', mode);
  if (theme.accent) host.style.setProperty('--aicado-accent', theme.accent);
  const shadow = host.attachShadow({ mode: 'open' });
  const root = shadow.appendChild(document.createElement('div'));
  root.dir = dir;
  root.lang = lang;
  const classes = `root ${mode} ${theme.colorScheme} ${theme.side}`;
  // The agent forgets its subscribers when destroyed; the shell needs no unsubscribe of its own.
  const show = () => void (root.className = agent.state.open ? `${classes} is-open` : classes);
  show();
  agent.subscribe(show);
  const shell: WidgetShell = {
    host,
    root,
    panelId: `aicado-panel-${++instances}`,
    addStyles: (css) => adoptStyles(shadow, css, nonce),
    remove: () => {
      leavePlace(host);
      host.remove();
    },
  };
  shell.addStyles(SHELL_CSS);
  parent.appendChild(host);
  // The agent's aicado:<event>s come from its element (unless options.eventTarget says otherwise).
  agent.element = host;
  if (mode === 'bubble') takePlace(host, theme.side);
  return shell;
}

function adoptStyles(shadow: ShadowRoot, css: string, nonce: string | undefined): void {
  // A constructable stylesheet needs no `style-src` allowance under a strict CSP and is shared by instances.
  try {
    let sheet = sheets[css];
    if (!sheet) (sheet = sheets[css] = new CSSStyleSheet()).replaceSync(css);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } catch {
    // No constructable stylesheets: a <style> before the root, in the order the sheets were added.
    const style = document.createElement('style');
    if (nonce) style.nonce = nonce;
    style.textContent = css;
    shadow.insertBefore(style, shadow.lastChild);
  }
}

function resolveContainer(container: string | HTMLElement | undefined): HTMLElement {
  const element = typeof container === 'string' ? document.querySelector<HTMLElement>(container) : container;
  if (!element) {
    throw new AicadoError(
      'invalid_options',
      `Invalid init() options: container ${JSON.stringify(container)} matches no element on the page`,
    );
  }
  return element;
}
