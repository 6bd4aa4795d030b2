import type { InitWithAgents } from '../create-init.js';
import { ELEMENT_TAG } from './element-tag.js';
import { PART_LOAD_RETRY } from '../core/agent-core.js';

/** The script tag's element part (src/element/define.ts): what it exports. */
export interface ElementPart {
  defineAgentElement(init: InitWithAgents): void;
}

/** With no element in sight, the element part still loads once the page has been idle this long (after the lazy part's idle load). */
const IDLE_DEFINE_DELAY_MS = 6000;

/**
 * Defines `<aicado-agent>` once the page has one, from the element part beside the script: found at
 * load, or added later (an observer watches what the page adds until then), or, as for an element
 * inside another component's shadow root, which neither sees, once the page has been idle a few
 * seconds. Until it is defined, the element is an unknown one: `customElements.whenDefined` waits. A
 * failed load is tried again as the lazy part's is (`PART_LOAD_RETRY`), and when the page adds another
 * element or the connection comes back.
 */
export function defineElementOnUse(init: InitWithAgents, load: () => Promise<ElementPart>): void {
  if (typeof customElements === 'undefined' || customElements.get(ELEMENT_TAG)) return;
  let loading = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Once a load has failed: the connection coming back tries again (`start` does nothing once it is loading or loaded).
  const retryOnline = (): unknown => document.querySelector(ELEMENT_TAG) && start();
  const start = (): void => {
    if (loading) return;
    loading = true;
    observer.disconnect();
    clearTimeout(timer);
    load().then(
      (part) => part.defineAgentElement(init),
      () => {
        loading = false;
        watch();
        if (++failures < PART_LOAD_RETRY.attempts) timer = setTimeout(start, PART_LOAD_RETRY.delayMs(failures));
        if (failures === 1) window.addEventListener('online', retryOnline);
      },
    );
  };
  // The nodes added, not the whole document: a busy page's changes cost what they add.
  const observer = new MutationObserver((records) => {
    for (const { addedNodes } of records) {
      for (const node of addedNodes)
        if (node instanceof Element && (node.localName === ELEMENT_TAG || node.querySelector(ELEMENT_TAG))) return start();
    }
  });
  const watch = (): void => observer.observe(document, { childList: true, subtree: true });
  if (document.querySelector(ELEMENT_TAG)) return start();
  watch();
  timer = setTimeout(
    () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(start, { timeout: IDLE_DEFINE_DELAY_MS }) : start()),
    IDLE_DEFINE_DELAY_MS,
  );
}
