import { SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { SIGNED_PARAMS_LIMITS } from '../../src/contract/protocol.js';
import { signParams } from '../../src/server/signed-params.js';
import { listDeliveries, postQuery, queryBody, startTestBackend } from './helpers.js';

const SIGNING_SECRET = 'sk_backend_test_secret_0123456789';

describe('signed params at the query endpoint', () => {
  it('verifies a new query, refuses a bad token with 401 and no delivery', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET });
    const good = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET) });
    expect((await postQuery(backend, good, { accept: 'application/json' })).status).toBe(200);
    const forged = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, 'sk_not_the_agents_secret_000') });
    const refused = await postQuery(backend, forged, { accept: 'application/json' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_signed_params');
    expect(await listDeliveries(backend, forged.query_id)).toEqual([]);
    expect(await listDeliveries(backend, good.query_id)).toHaveLength(1);
  });

  it('replays a stored answer for its query_id after the token that authorised it has expired', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET });
    const body = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 60 }) });
    const first = (await (await postQuery(backend, body, { accept: 'application/json' })).json()) as { output: string };
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3600_000);
    try {
      const again = await postQuery(backend, body, { accept: 'application/json' });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { output: string }).output).toBe(first.output);
    } finally {
      vi.useRealTimers();
    }
    expect(await listDeliveries(backend, body.query_id)).toHaveLength(1);
  });

  it('refuses a token over 16 KB, a year-9999 expiry and an iat in the future with 401, running nothing', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET });
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: { iat: number; exp: number }, params: Record<string, unknown> = { user_id: 'u_1' }) =>
      new SignJWT({ params, ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SIGNING_SECRET));
    const tokens = [
      await sign({ iat: now, exp: now + 60 }, { blob: 'x'.repeat(SIGNED_PARAMS_LIMITS.maxTokenBytes) }),
      await sign({ iat: now, exp: 253_402_300_799 }),
      await sign({ iat: now + 3600, exp: now + 3660 }),
    ];
    for (const token of tokens) {
      const body = queryBody({ signed_params: token });
      const response = await postQuery(backend, body, { accept: 'application/json' });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_signed_params');
      expect(await listDeliveries(backend, body.query_id)).toEqual([]);
    }
  });

  it('takes a configured lifetime cap', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET, signedParamsMaxLifetimeSeconds: 60 });
    const long = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 120 }) });
    expect((await postQuery(backend, long, { accept: 'application/json' })).status).toBe(401);
    const short = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET, { expiresInSeconds: 60 }) });
    expect((await postQuery(backend, short, { accept: 'application/json' })).status).toBe(200);
  });
});
