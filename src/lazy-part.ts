// What loads on intent (see src/init.ts and src/loader/script-tag.ts): the panel and the code that
// sends queries, with the lock that runs each query in one of the visitor's tabs. The first part passes
// it the running agent; nothing here is also in the first part.
export { mountWidget } from './ui/mount.js';
export { attemptQuery } from './sdk/attempt.js';
export { postQueryAction } from './transport/actions.js';
export { rateAnswer } from './sdk/rating.js';
export { exclusive } from './sdk/tab-lock.js';
