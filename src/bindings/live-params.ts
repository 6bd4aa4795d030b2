import type { AgentHandle } from '../at-load/core/handle.js';
import { userIdOf } from '../contract/identity.js';
import type { ParamValue } from '../contract/params.js';
import { paramsPatch } from './params-diff.js';

/** What a running agent was last told by a binding (React props, element properties), to diff the next values against. */
export interface AppliedParams {
  params: Readonly<Record<string, unknown>> | undefined;
  signedParams: string | undefined;
  identity: ParamValue | undefined;
}

/** A snapshot of the values a binding holds now (a copy: a later mutation of the object is a new value). */
export function appliedOf(params: object | undefined | null, signedParams: string | undefined | null): AppliedParams {
  const copy = params ? { ...(params as Record<string, unknown>) } : undefined;
  const token = signedParams ?? undefined;
  return { params: copy, signedParams: token, identity: userIdOf(copy, token) };
}

/**
 * Applies a binding's new values as a caller of `setParams` would: a new user (`user_id`) is an `identify()`,
 * else only the changed keys are patched. Throws like `setParams`; the caller then keeps its previous values.
 */
export function applyLiveParams(agent: AgentHandle, applied: AppliedParams, next: AppliedParams): void {
  if (!Object.is(next.identity, applied.identity)) {
    // identify() replaces params and token wholesale: nothing of the previous user carries over.
    agent.identify({ params: next.params, signedParams: next.signedParams });
    return;
  }
  const patch = paramsPatch(applied.params, next.params);
  if (Object.keys(patch).length) agent.setParams(patch);
  if (next.signedParams !== applied.signedParams) agent.setSignedParams(next.signedParams);
}
