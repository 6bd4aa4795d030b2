import { afterEach, beforeEach, vi } from 'vitest';
import { type AicadoAgent, type InitOptions, init } from '../../src/index.js';

/** The options every agent of these tests shares: the stubbed API, nothing stored across tests. */
export const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const };

/** `init` for one test file: each agent it starts is destroyed after its test, with the stubs and fake timers. */
export function startedAgents(): (options: InitOptions) => AicadoAgent {
  let agents: AicadoAgent[] = [];
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    for (const agent of agents) agent.destroy();
    agents = [];
    vi.unstubAllGlobals();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return (options) => {
    const agent = init(options);
    agents.push(agent);
    return agent;
  };
}
