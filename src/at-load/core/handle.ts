import type { CheckedParams, CheckedPatch, ParamsPatch } from '../../contract/params-types.js';
import type { Params } from '../../contract/params.js';
import type { Rating } from '../../contract/protocol.js';
import type { AgentEvents, QueryAnswer } from './agent-state.js';
import type { BaseInitOptions } from './options.js';

/** Options of `init<P>()`: `params` must satisfy the params rules at compile time too. */
export type InitOptions<P = Params> = BaseInitOptions & { params?: P & CheckedParams<P> };

/** The handle `init()` returns: the page's way to talk to its agent. */
export interface AicadoAgent<P = Params> {
  readonly agentId: string;
  /** Sends a message as the visitor; resolves with the complete answer, also shown in the widget. */
  send(input: string): Promise<QueryAnswer>;
  /** Merges params for the next queries; a key set to `undefined` is removed. Throws on invalid params. */
  setParams<T extends ParamsPatch<P>>(patch: CheckedPatch<P, T>): void;
  /** The params the next query will carry. */
  getParams(): ParamsPatch<P>;
  /** Replaces the server-signed params token (see `signParams` in `aicado-embed/server`); queries refused for an expired token are resent with it. */
  setSignedParams(token: string | undefined): void;
  /** Switches user atomically: new params (validated first), a new conversation, the previous user's transcript and pending queries gone. */
  identify<T extends ParamsPatch<P>>(identity: { params?: CheckedPatch<P, T>; signedParams?: string }): void;
  /** Returns to an anonymous conversation and clears the signed-out user's stored data. */
  logout(): void;
  /** Stops the answer on its way: the model stops, the text shown so far is the answer (`stopped` event). Never resent. */
  stop(): void;
  /** Rates an answer, `null` takes the rating back; the site owner gets a `query.feedback` webhook with the rated query's params. */
  rate(queryId: string, rating: Rating): Promise<void>;
  open(): void;
  close(): void;
  toggle(): void;
  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof AgentEvents>(event: E, listener: (payload: AgentEvents[E]) => void): () => void;
  /**
   * Hands the conversation to a person: the site owner gets `handoff.requested` with the transcript and
   * params, the conversation ends, and the panel shows the `handoff.message`. A second call for the same
   * conversation sends nothing new. `reason`: at most 500 characters, for the person who takes over.
   */
  requestHandoff(reason?: string): Promise<void>;
  /** Starts a new conversation and clears the stored transcript; the one left ends (`conversation.ended`, `reason: 'reset'`). */
  reset(): void;
  /** Removes the widget's DOM, listeners and timers; the page is as before. */
  destroy(): void;
}

/**
 * The handle as the library holds it: any valid params, no type parameter; every `AicadoAgent<P>` is one.
 * `init()` gives the page the typed view of it, {@link AicadoAgent}.
 */
export interface AgentHandle extends Omit<AicadoAgent, 'setParams' | 'identify'> {
  setParams(patch: Readonly<Record<string, unknown>>): void;
  identify(identity: { params?: object | undefined; signedParams?: string | undefined }): void;
}

/** Options as the library passes them on (markup's are strings): `init` checks every one at run time. */
export type LooseInitOptions = { readonly [K in keyof InitOptions]?: unknown };

/** `init` as the library calls it: loosely typed options in, the untyped handle out. */
export type AgentInit = (options: LooseInitOptions) => AgentHandle;
