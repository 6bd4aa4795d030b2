// What loads on intent (see src/init.ts and src/loader/script-tag.ts): the panel, and the conversation
// with the code that sends queries, with the lock that runs each query in one of the visitor's tabs. The
// first part passes it the agent's core; nothing here is also in the first part.
import { Agent } from './sdk/agent.js';
import type { CreateAgent } from './sdk/agent-core.js';
import { attemptQuery } from './sdk/attempt.js';
import { rateAnswer } from './sdk/rating.js';
import { exclusive } from './sdk/tab-lock.js';
import { postQueryAction } from './transport/actions.js';

export { mountWidget } from './ui/mount.js';

const transport = { attemptQuery, postQueryAction, rateAnswer, exclusive };

/** The conversation of the agent whose core the first part runs. */
export const createAgent: CreateAgent<Agent> = (core) => new Agent(core, async () => transport);
