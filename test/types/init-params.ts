// Compile-time rules of `init<P>()`, checked against the published declarations (`npm test` runs
// `tsc -p test/types` after the build). Each `@ts-expect-error` fails the build if the line compiles.
import { init, type AicadoAgent } from 'aicado-embed';

declare const options: { agentId: string };

// Valid params: every allowed value type, optional keys, and an interface (no index signature).
interface HostParams {
  user_id: string;
  plan: 'free' | 'pro';
  seats?: number;
  trial: boolean;
  referrer_code: string | null;
}
const agent: AicadoAgent<HostParams> = init<HostParams>({
  ...options,
  params: { user_id: 'u_42', plan: 'pro', trial: false, referrer_code: null },
});
agent.setParams({ plan: 'free' });
agent.setParams({ seats: undefined });
init({ ...options, params: { session_id: 's_1', count: 3, ok: true, none: null } });
// Prototype keys are refused as written, as at runtime: these differ in case, so they are fine.
init({ ...options, params: { Constructor: 'x', PROTOTYPE: 'y' } });

// Restricted keys, in any letter case, are compile-time errors.
// @ts-expect-error a_id is restricted
init({ ...options, params: { a_id: 'x' } });
// @ts-expect-error A_ID is restricted (case-insensitive)
init({ ...options, params: { A_ID: 'x' } });
// @ts-expect-error Muser is restricted (case-insensitive)
init({ ...options, params: { user_id: 'u', Muser: 'x' } });
// @ts-expect-error t is restricted
init({ ...options, params: { t: 1 } });
// @ts-expect-error restricted key through an explicit type argument
init<{ U_ID: string }>({ ...options, params: { U_ID: 'x' } });
// @ts-expect-error prototype keys are refused
init({ ...options, params: { constructor: 'x' } });

// Values of a wrong type are compile-time errors.
// @ts-expect-error nested object
init({ ...options, params: { user: { id: 1 } } });
// @ts-expect-error array
init({ ...options, params: { tags: ['a', 'b'] } });
// @ts-expect-error Date
init({ ...options, params: { since: new Date() } });
// @ts-expect-error function
init({ ...options, params: { cb: () => 1 } });
// @ts-expect-error bigint
init({ ...options, params: { big: 1n } });
// @ts-expect-error explicit type argument with a nested object value
init<{ user: { id: number } }>({ ...options, params: { user: { id: 1 } } });

// setParams keeps the declared types.
// @ts-expect-error plan must be 'free' | 'pro'
agent.setParams({ plan: 'enterprise' });
// @ts-expect-error restricted key in setParams
agent.setParams({ AT: 'x' });
// @ts-expect-error restricted key alone in setParams (T falls back to ParamsPatch<P>)
agent.setParams({ a_id: 'x' });
// @ts-expect-error restricted key in identify
agent.identify({ params: { a_id: 'x' } });

// agentId is required.
// @ts-expect-error missing agentId
init({ params: { user_id: 'u' } });
