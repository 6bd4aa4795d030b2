import type { InitWithAgents } from '../boot/create-init.js';
import type { defineAgentElement } from '../element/define.js';
import { ELEMENT_TAG } from '../element/tag.js';

/** The script tag's element part (src/element/define.ts): what it exports. */
export interface ElementPart {
  defineAgentElement: typeof defineAgentElement;
}

/**
 * Defines `<aicado-agent>` once the page has one, from the element part beside the script: found at
 * load, or added later (an observer watches what the page adds until then). A page without one never
 * loads it. Until it is defined, the element is an unknown one: `customElements.whenDefined` waits.
 * A failed load is tried again when the page adds another element or the connection comes back.
 */
export function defineElementOnUse(init: InitWithAgents, load: () => Promise<ElementPart>): void {
  if (typeof customElements === 'undefined' || customElements.get(ELEMENT_TAG)) return;
  let loading = false;
  const start = (): void => {
    if (loading) return;
    loading = true;
    observer.disconnect();
    load().then(
      (part) => part.defineAgentElement(init),
      () => {
        loading = false;
        watch();
        window.addEventListener('online', () => document.querySelector(ELEMENT_TAG) && start(), { once: true });
      },
    );
  };
  // The nodes added, not the whole document: a busy page's changes cost what they add.
  const observer = new MutationObserver((records) => {
    for (const { addedNodes } of records) {
      for (const node of addedNodes) if (node instanceof Element && (node.localName === ELEMENT_TAG || node.querySelector(ELEMENT_TAG))) return start();
    }
  });
  const watch = (): void => observer.observe(document, { childList: true, subtree: true });
  if (document.querySelector(ELEMENT_TAG)) start();
  else watch();
}
