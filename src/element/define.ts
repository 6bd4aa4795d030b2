import { appliedOf, applyLiveParams, type AppliedParams } from '../bindings/live-params.js';
import { AicadoError, isAicadoError } from '../contract/errors.js';
import { ATTRIBUTE_OPTIONS, optionsFromAttributes } from '../at-load/loader/attributes.js';
import { DOM_EVENT_PREFIX, dispatchDomEvent } from '../at-load/core/dom-events.js';
import { ELEMENT_TAG } from '../at-load/loader/element-tag.js';
import type { AgentHandle, AgentInit } from '../at-load/core/handle.js';

export { ELEMENT_TAG };

/** `apiBase` → `api-base`: the element's attributes are the script tag's data attributes without `data-`. */
const kebabCase = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The methods of a running agent that the element exposes as its own. */
type Delegated = 'open' | 'close' | 'toggle' | 'reset' | 'stop';

/**
 * Defines `<aicado-agent>` over `init` (the npm SDK's or the script tag's), once per page and never on a server:
 * options from its attributes, live `params` and `signedParams`, events on the element; removing it destroys the agent.
 */
export function defineAgentElement(init: AgentInit): void {
  if (typeof customElements === 'undefined' || customElements.get(ELEMENT_TAG)) return;

  // Typed for users by AicadoAgentElement (types.ts); the class itself is never exported.
  class AgentElement extends HTMLElement {
    static readonly observedAttributes = ATTRIBUTE_OPTIONS.map(kebabCase);
    #agent: AgentHandle | undefined;
    /** The options the running agent was made from (JSON), to tell when it must be made again. */
    #made = '';
    #applied: AppliedParams = appliedOf(undefined, undefined);
    #params: object | undefined;
    #signedParams: string | undefined;
    #pending = false;
    #box: HTMLElement | undefined;

    constructor() {
      super();
      // A value set before the element was defined (the script tag loads late) is an own property hiding the
      // accessor; it goes to the setter as the page set it, of whatever type (as a later set from untyped code).
      for (const key of ['params', 'signedParams'] as const) {
        if (Object.hasOwn(this, key)) {
          const value = this[key];
          delete this[key];
          (this as Record<typeof key, unknown>)[key] = value;
        }
      }
    }

    get params(): object | undefined {
      return this.#params ?? this.#agent?.getParams();
    }
    set params(value: object | undefined) {
      this.#params = value ?? undefined;
      this.#schedule();
    }
    get signedParams(): string | undefined {
      return this.#signedParams ?? this.getAttribute('signed-params') ?? undefined;
    }
    set signedParams(value: string | undefined) {
      this.#signedParams = value ?? undefined;
      this.#schedule();
    }

    connectedCallback(): void {
      this.#schedule();
    }
    disconnectedCallback(): void {
      this.#schedule();
    }
    // `moveBefore()` moves the element without disconnecting it: nothing to do, the conversation goes on.
    connectedMoveCallback(): void {}
    attributeChangedCallback(): void {
      this.#schedule();
    }

    send(input: string) {
      return this.#ask((agent) => agent.send(input));
    }
    getParams() {
      this.#flush();
      return this.#agent?.getParams() ?? {};
    }
    open(): void {
      this.#call('open');
    }
    close(): void {
      this.#call('close');
    }
    toggle(): void {
      this.#call('toggle');
    }
    reset(): void {
      this.#call('reset');
    }
    stop(): void {
      this.#call('stop');
    }
    rate(queryId: string, rating: 'up' | 'down' | null): Promise<void> {
      return this.#ask((agent) => agent.rate(queryId, rating));
    }
    requestHandoff(reason?: string): Promise<void> {
      return this.#ask((agent) => agent.requestHandoff(reason));
    }
    /** Listens to an event (`aicado:<event>` on this element, so it survives a change of agent); returns the function that stops. */
    on(event: string, listener: (detail: unknown) => void): () => void {
      const handler = (e: Event) => listener((e as CustomEvent).detail);
      this.addEventListener(DOM_EVENT_PREFIX + event, handler);
      return () => this.removeEventListener(DOM_EVENT_PREFIX + event, handler);
    }

    /** A call that answers: made on the running agent, or rejected with `not_initialised` while there is none. */
    #ask<T>(call: (agent: AgentHandle) => Promise<T>): Promise<T> {
      this.#flush();
      return this.#agent
        ? call(this.#agent)
        : Promise.reject(
            new AicadoError('not_initialised', `<${ELEMENT_TAG}> has no running agent: give it an agent-id and put it in the page`),
          );
    }

    #call(method: Delegated): void {
      this.#flush();
      this.#agent?.[method]();
    }

    // Attribute and property changes of one task (a framework setting several) are applied together, once;
    // a removal followed by an insertion in the same task (a move) keeps the agent.
    #schedule(): void {
      if (this.#pending) return;
      this.#pending = true;
      queueMicrotask(() => this.#flush());
    }

    #flush(): void {
      if (!this.#pending) return;
      this.#pending = false;
      if (!this.isConnected) return this.#stop();
      let options: Record<string, unknown>;
      let next: AppliedParams;
      try {
        const { params, signedParams, ...rest } = optionsFromAttributes(
          (name) => this.getAttribute(kebabCase(name)) ?? undefined,
          'params',
        );
        rest.nonce = this.nonce || undefined;
        options = rest;
        next = appliedOf(this.#params ?? (params as object | undefined), this.#signedParams ?? (signedParams as string | undefined));
      } catch (error) {
        return this.#report(error);
      }
      const made = JSON.stringify(options);
      if (made !== this.#made) this.#stop();
      try {
        if (this.#agent) applyLiveParams(this.#agent, this.#applied, next);
        else if (options.agentId) this.#start(options, next);
        this.#applied = next;
        this.#made = made;
      } catch (error) {
        // Nothing changed: the running params stay as they were, and the next change is diffed against them.
        this.#report(error);
      }
    }

    #start(options: Record<string, unknown>, next: AppliedParams): void {
      const inline = options.mode === 'inline';
      const agent = init({
        ...options,
        params: next.params,
        signedParams: next.signedParams,
        container: inline ? this.#inlineBox(options.nonce as string | undefined) : undefined,
        // The agent dispatches every event as aicado:<event> on the element, once; it bubbles to document.
        eventTarget: this,
      });
      this.#agent = agent;
    }

    #stop(): void {
      this.#agent?.destroy();
      this.#agent = undefined;
      this.#made = '';
    }

    /** The inline widget's place: inside the element's own shadow root, untouched by the framework's children. */
    #inlineBox(nonce: string | undefined): HTMLElement {
      if (this.#box) return this.#box;
      const root = this.attachShadow({ mode: 'open' });
      const css = ':host{display:block}div{height:100%}';
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        root.adoptedStyleSheets = [sheet];
      } catch {
        const style = document.createElement('style');
        if (nonce) style.nonce = nonce;
        style.textContent = css;
        root.append(style);
      }
      this.#box = root.appendChild(document.createElement('div'));
      // The element's `title` names the chat; it must not also become a tooltip over all of it.
      this.#box.title = '';
      return this.#box;
    }

    /** Never thrown into the framework: logged, and dispatched as `aicado:error` on the element. */
    #report(error: unknown): void {
      const wrapped = isAicadoError(error) ? error : new AicadoError('internal', String(error), { cause: error });
      console.error(`[aicado] <${ELEMENT_TAG}>: ${wrapped.message}`, wrapped);
      dispatchDomEvent(this, this.getAttribute('agent-id') ?? '', 'error', { error: wrapped });
    }
  }
  customElements.define(ELEMENT_TAG, AgentElement);
}
