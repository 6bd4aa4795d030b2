// The code a new user writes first, with no type argument: params widen, so later patches with new
// values and new keys compile; restricted keys and non-scalar values still do not.
import { init } from 'aicado-embed';

const agent = init({ agentId: 'demo', params: { user_id: 'u_1', plan: 'free' } });
agent.setParams({ plan: 'pro' });
agent.setParams({ user_id: 'u_2' });
agent.setParams({ cart_total: 42.5 });
agent.setParams({ plan: undefined, vip: true, note: null });
agent.identify({ params: { user_id: 'u_3', plan: 'pro' } });

// @ts-expect-error at is restricted
agent.setParams({ at: 1 });
// @ts-expect-error A_ID is restricted in any letter case
agent.setParams({ A_ID: 'x' });
// @ts-expect-error Muser is restricted, also in identify
agent.identify({ params: { Muser: 'x' } });
// @ts-expect-error nested objects are not param values
agent.setParams({ user: { id: 1 } });
// @ts-expect-error arrays are not param values
agent.setParams({ tags: ['a'] });

// With a declared type, patches are checked against it: values and keys.
const typed = init<{ user_id: string; plan: 'free' | 'pro' }>({ agentId: 'demo', params: { user_id: 'u_1', plan: 'free' } });
typed.setParams({ plan: 'pro' });
typed.setParams({ user_id: 'u_2', plan: undefined });
// @ts-expect-error plan is 'free' | 'pro'
typed.setParams({ plan: 'enterprise' });
// @ts-expect-error cart_total is not declared
typed.setParams({ plan: 'pro', cart_total: 1 });
// @ts-expect-error restricted in identify too
typed.identify({ params: { u_id: 'x' } });

// The README's trusted-params flow: a token first, then a switch of user.
declare const token: string;
const trusted = init({ agentId: 'demo', signedParams: token });
trusted.identify({ params: { user_id: 'u_9' }, signedParams: token });
trusted.logout();
