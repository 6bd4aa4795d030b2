import { afterEach, describe, expect, it } from 'vitest';
import { stubQueryApi } from './support.js';
import { base, startedAgents } from './started-agents.js';

const start = startedAgents();

describe('a hostile host page', () => {
  const polluted = ['signedParams', 'locale', 'apiBase', 'params'] as const;
  afterEach(() => {
    for (const key of [...polluted, 'user_id']) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('cannot inject options or a token through Object.prototype', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const proto = Object.prototype as Record<string, unknown>;
    proto.signedParams = 'attacker.token.value';
    proto.locale = 'xx-EVIL';
    proto.apiBase = 'http://evil.test';
    await start({ ...base, locale: undefined }).send('hi');
    expect(requests[0]!.url).toBe('http://api.test/v1/agents/demo/queries');
    expect(requests[0]!.body.signed_params).toBeUndefined();
    expect((requests[0]!.body.context as { locale: string }).locale).not.toBe('xx-EVIL');
  });

  it('cannot swallow a param with a setter on Object.prototype', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const swallowed: unknown[] = [];
    Object.defineProperty(Object.prototype, 'user_id', { set: (value) => swallowed.push(value), get: () => undefined, configurable: true });
    const agent = start({ ...base, params: { user_id: 'u_42', plan: 'pro' } });
    agent.setParams({ plan: 'free' });
    await agent.send('hi');
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_42', plan: 'free' });
    expect(swallowed).toEqual([]);
  });
});
