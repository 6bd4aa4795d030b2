import type { AgentInit } from '../core/handle.js';
import type { InitWithAgents } from '../create-init.js';
import { ELEMENT_TAG } from './element-tag.js';
import { loadPart, whenIdle } from './load-part.js';

/** The script tag's element part (src/element/define.ts): what it exports. */
export interface ElementPart {
  defineAgentElement(init: AgentInit): void;
}

/** With no element in sight, the element part still loads once the page has been idle this long (after the lazy part's idle load). */
const IDLE_DEFINE_DELAY_MS = 6000;

/**
 * Loads the element part once the page has an `<aicado-agent>`: at load, when one is added, or once the page
 * is idle (one in a shadow root is seen by neither). A failed load is retried, also on a new element or reconnection.
 */
export function defineElementOnUse(init: InitWithAgents, load: () => Promise<ElementPart>): void {
  if (typeof customElements === 'undefined' || customElements.get(ELEMENT_TAG)) return;
  let defined = false;
  const part = loadPart(
    () =>
      load().then((element) => {
        defined = true;
        element.defineAgentElement(init);
      }),
    { wanted: () => !defined },
  );
  const start = (): void => {
    observer.disconnect();
    cancelIdle();
    part.get().catch(watch);
  };
  // The nodes added, not the whole document: a busy page's changes cost what they add.
  const observer = new MutationObserver((records) => {
    for (const { addedNodes } of records) {
      for (const node of addedNodes)
        if (node instanceof Element && (node.localName === ELEMENT_TAG || node.querySelector(ELEMENT_TAG))) return start();
    }
  });
  const watch = (): void => observer.observe(document, { childList: true, subtree: true });
  let cancelIdle = (): void => undefined;
  if (document.querySelector(ELEMENT_TAG)) return start();
  watch();
  cancelIdle = whenIdle(IDLE_DEFINE_DELAY_MS, start);
}
