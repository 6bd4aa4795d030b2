import { render } from 'preact';
import type { Agent } from '../sdk/agent.js';
import { AicadoError } from '../contract/errors.js';
import { WIDGET_CSS } from './styles.js';
import { Widget } from './widget.js';

/** The element that hosts the widget's shadow root; a custom tag so host tag selectors miss it. */
export const HOST_TAG = 'aicado-embed';

let sharedSheet: CSSStyleSheet | undefined;

/** Renders the widget into a new shadow root; returns a function that removes every trace of it. */
export function mountWidget(agent: Agent): () => void {
  const { options } = agent;
  const parent = options.mode === 'inline' ? resolveContainer(options.container) : (document.body ?? document.documentElement);
  const host = document.createElement(HOST_TAG);
  host.setAttribute('data-agent-id', options.agentId);
  host.setAttribute('data-mode', options.mode);
  if (options.theme.accent) host.style.setProperty('--aicado-accent', options.theme.accent);
  const shadow = host.attachShadow({ mode: 'open' });
  applyStyles(shadow, options.nonce);
  parent.appendChild(host);
  try {
    render(<Widget agent={agent} />, shadow);
  } catch (error) {
    host.remove(); // nothing half-built stays on the page
    throw error;
  }
  return () => {
    render(null, shadow);
    host.remove();
  };
}

function applyStyles(shadow: ShadowRoot, nonce: string | undefined): void {
  // A constructable stylesheet needs no `style-src` allowance under a strict CSP and is shared by instances.
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    try {
      sharedSheet ??= new CSSStyleSheet();
      if (!sharedSheet.cssRules.length) sharedSheet.replaceSync(WIDGET_CSS);
      shadow.adoptedStyleSheets = [sharedSheet];
      return;
    } catch {
      /* fall back to a <style> element */
    }
  }
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  style.textContent = WIDGET_CSS;
  shadow.appendChild(style);
}

function resolveContainer(container: string | HTMLElement | undefined): HTMLElement {
  const element = typeof container === 'string' ? document.querySelector<HTMLElement>(container) : container;
  if (!element) {
    throw new AicadoError('invalid_options', `Invalid init() options: container ${JSON.stringify(container)} matches no element on the page`);
  }
  return element;
}
