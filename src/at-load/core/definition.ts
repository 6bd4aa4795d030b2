import type { DefinitionCheck } from '../../contract/agent-definition.js';
import { DECLARED_PARAM_TYPES, agentPath } from '../../contract/protocol.js';
import type { Agent } from './agent.js';

/** One request per agent and page load: later inits (an SPA's route changes, destroy and init) reuse it. */
const requests = new Map<string, Promise<DefinitionCheck | undefined>>();

/** A definition is a few KB; a longer body is not one. */
const MAX_BYTES = 65_536;

const declaredTypes: readonly unknown[] = DECLARED_PARAM_TYPES;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What the SDK reads of the definition (each declared param's type), or undefined: the guard that
 * keeps zod out of the browser, held to `DefinitionCheckSchema` by a unit test.
 */
export const asDefinition = (value: unknown): DefinitionCheck | undefined =>
  isObject(value) &&
  isObject(value.params) &&
  Object.values(value.params).every((param) => isObject(param) && declaredTypes.includes(param.type))
    ? (value as DefinitionCheck)
    : undefined;

/**
 * The agent's definition, from `GET {apiBase}/v1/agents/{agentId}`: the types it declares, read here, and
 * what the pre-chat form asks, read by the panel's code (form-definition.ts); undefined when the API is
 * unreachable, answers an error or something that is no definition: the SDK then keeps to the rules
 * every agent shares, and the API still enforces the declared ones. The browser's HTTP cache
 * revalidates it with its ETag.
 */
export function fetchDefinition(apiBase: string, agentId: string): Promise<DefinitionCheck | undefined> {
  const url = apiBase + agentPath(agentId);
  let request = requests.get(url);
  if (!request) {
    request = fetch(url, { credentials: 'omit' })
      .then((response) => (response.ok && !(Number(response.headers.get('content-length')) > MAX_BYTES) ? response.json() : undefined))
      .then(asDefinition)
      .catch(() => undefined);
    requests.set(url, request);
  }
  return request;
}

/**
 * Asks for the agent's definition once the launcher has been painted (never on the critical path): the
 * next frame renders it, the task after that frame asks. Returns the function that cancels the wait.
 */
export function loadDefinitionAfterPaint(agent: Agent): () => void {
  const { apiBase, agentId } = agent.options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() => void fetchDefinition(apiBase, agentId).then((definition) => definition && agent.define(definition.params)));
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
