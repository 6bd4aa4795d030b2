/** SDK event `response` is also the DOM event `aicado:response`, and so on for every event. */
export const DOM_EVENT_PREFIX = 'aicado:';

/**
 * Dispatches an SDK event as a DOM `CustomEvent` on `target`: it bubbles and crosses shadow roots, so a
 * listener on an ancestor or on `document` hears it; `detail` is the payload plus the agent's id. The one
 * place SDK events become DOM events (`<aicado-agent>` dispatches its agent's on itself).
 */
export function dispatchDomEvent(target: EventTarget, agentId: string, event: string, payload: object): void {
  target.dispatchEvent(new CustomEvent(DOM_EVENT_PREFIX + event, { bubbles: true, composed: true, detail: { ...payload, agentId } }));
}
