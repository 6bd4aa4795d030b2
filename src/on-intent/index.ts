// What loads on intent (see src/init.ts and src/script-tag.ts): the panel, and the conversation
// with the code that sends queries, with the lock that runs each query in one of the visitor's tabs. The
// first part passes it the agent's core; nothing here is also in the first part.
import { Agent } from './conversation/agent.js';
import type { CreateAgent } from '../at-load/core/agent-core.js';
import { attemptQuery } from './conversation/attempt.js';
import { rateAnswer } from './conversation/rating.js';
import { exclusive } from './conversation/tab-lock.js';
import { postQueryAction } from './transport/actions.js';

export { mountWidget } from './panel/mount.js';

const transport = { attemptQuery, postQueryAction, rateAnswer, exclusive };

/** The conversation of the agent whose core the first part runs. */
export const createAgent: CreateAgent<Agent> = (core) => new Agent(core, async () => transport);
