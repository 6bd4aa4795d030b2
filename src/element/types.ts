import type { AgentEvents, Params, ParamValue, QueryAnswer, RestrictedParamKey } from 'aicado-embed';

/** Every letter case of `S`: `AnyCase<'at'>` is `'at' | 'aT' | 'At' | 'AT'`. */
type AnyCase<S extends string> = S extends `${infer First}${infer Rest}` ? `${Uppercase<First> | Lowercase<First>}${AnyCase<Rest>}` : '';

/**
 * Params as the element's `params` property takes them, with no type argument to infer: any key and
 * value the rules allow; a restricted key in any letter case is a compile-time error naming it.
 */
export type ElementParams = { readonly [key: string]: ParamValue | undefined } & {
  readonly [K in AnyCase<RestrictedParamKey>]?: {
    readonly [why in `"${K}" is restricted by Aicado: a_id, at, old_id, s, t, audi, sl, raid, u_id, muser are refused in any letter case`]: never;
  };
};

/** `detail` of the DOM event `aicado:<E>`: the SDK event's payload plus the agent's id. */
export type AicadoEventDetail<E extends keyof AgentEvents> = AgentEvents[E] & { agentId: string };

/** The DOM events of an agent: `aicado:response`, `aicado:error`, … (they bubble to `document`). */
export type AicadoDomEventMap = { [E in keyof AgentEvents as `aicado:${E}`]: CustomEvent<AicadoEventDetail<E>> };

/** The attributes of `<aicado-agent>`, as written in HTML: the script tag's `data-*` names without `data-`. */
export interface AicadoAgentAttributes {
  'agent-id'?: string;
  'api-base'?: string;
  mode?: 'bubble' | 'inline';
  title?: string;
  greeting?: string;
  placeholder?: string;
  locale?: string;
  storage?: 'local' | 'session' | 'memory';
  accent?: string;
  position?: 'bottom-end' | 'bottom-start' | 'bottom-right' | 'bottom-left';
  'color-scheme'?: 'light' | 'dark' | 'auto';
  /** A token from `signParams()` on your server; the `signedParams` property wins over it. */
  'signed-params'?: string;
  /** Starter prompts as a JSON array of at most 4 strings: `suggestions='["Where is my order?"]'`. */
  suggestions?: string;
  /** `none` hides the built-in launcher (the page's own button calls `open()`). */
  launcher?: 'none';
  'agent-name'?: string;
  /** https only; decorative. */
  'avatar-url'?: string;
  /** `silent` keeps the `[aicado]` console line each final failure otherwise gets. */
  'log-level'?: 'error' | 'silent';
  /** `true` adds "Talk to a person" to the panel; or its texts as JSON: `handoff='{"label":"…","message":"…"}'`. */
  handoff?: string;
}

/** What frameworks set on `<aicado-agent>`: the attributes, and the `params` / `signedParams` properties. */
export interface AicadoAgentProperties extends AicadoAgentAttributes {
  /** Live: a new value is applied like `setParams` (validated; an invalid one changes nothing and fires `aicado:error`). */
  params?: ElementParams | undefined;
  /** Live, like `params`; wins over the `signed-params` attribute. */
  signedParams?: string | undefined;
}

/** `<aicado-agent>`: an Aicado agent as an element, for any framework or none. */
export interface AicadoAgentElement extends HTMLElement {
  /** The params the next query carries; wins over the `params` attribute (JSON). Setting it never throws. */
  params: ElementParams | undefined;
  signedParams: string | undefined;
  /** Sends a message as the visitor; rejects with `not_initialised` while the element has no running agent. */
  send(input: string): Promise<QueryAnswer>;
  /** The params the next query will carry (after the changes of this task are applied). */
  getParams(): Params;
  open(): void;
  close(): void;
  toggle(): void;
  /** Starts a new conversation and clears the stored transcript. */
  reset(): void;
  /** Stops the answer on its way; the text shown so far is the answer (`aicado:stopped`). */
  stop(): void;
  /** Rates an answer (`null` takes it back); the webhook carries the rated query's params. */
  rate(queryId: string, rating: 'up' | 'down' | null): Promise<void>;
  /** Hands the conversation to a person (`handoff.requested`); rejects with `not_initialised` while the element has no running agent. */
  requestHandoff(reason?: string): Promise<void>;
  /** Listens to `aicado:<event>` on this element (across changes of agent); returns the function that stops. */
  on<E extends keyof AgentEvents>(event: E, listener: (detail: AicadoEventDetail<E>) => void): () => void;
  addEventListener<K extends keyof AicadoAgentElementEventMap>(
    type: K,
    listener: (this: AicadoAgentElement, event: AicadoAgentElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AicadoAgentElementEventMap>(
    type: K,
    listener: (this: AicadoAgentElement, event: AicadoAgentElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

export interface AicadoAgentElementEventMap extends HTMLElementEventMap, AicadoDomEventMap {}

declare global {
  interface HTMLElementTagNameMap {
    'aicado-agent': AicadoAgentElement;
  }
  // The events bubble from the element (or the widget) to the document, through every ancestor.
  interface HTMLElementEventMap extends AicadoDomEventMap {}
  interface DocumentEventMap extends AicadoDomEventMap {}
}
