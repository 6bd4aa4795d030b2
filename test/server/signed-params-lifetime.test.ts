import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SIGNED_PARAMS_LIMITS } from '../../src/contract/protocol.js';
import { AicadoError, signParams, verifySignedParams } from '../../src/server/index.js';

const SECRET = 'sk_test_0123456789abcdef';
const key = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

function token(claims: { iat?: number; exp?: number }, params: Record<string, unknown> = { user_id: 'u_1' }): Promise<string> {
  const jwt = new SignJWT({ params, ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });
  return jwt.sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AicadoError && error.code === 'invalid_signed_params' && error.status === 401) return error.message;
    throw error;
  }
  throw new Error('expected the token to be refused');
}

describe('signed-params token lifetime', () => {
  it('refuses exp far in the future (year 9999) and any lifetime over 24 h from iat', async () => {
    expect(await refusal(verifySignedParams(await token({ iat: now(), exp: 253_402_300_799 }), SECRET))).toMatch(/lifetime/);
    const justOver = await token({ iat: now(), exp: now() + SIGNED_PARAMS_LIMITS.maxLifetimeSeconds + 1 });
    expect(await refusal(verifySignedParams(justOver, SECRET))).toMatch(/at most 86400/);
    const dayLong = await token({ iat: now(), exp: now() + SIGNED_PARAMS_LIMITS.maxLifetimeSeconds });
    await expect(verifySignedParams(dayLong, SECRET)).resolves.toEqual({ user_id: 'u_1' });
  });

  it('takes another cap when the verifier configures one', async () => {
    const week = await token({ iat: now(), exp: now() + 7 * 24 * 3600 });
    await expect(verifySignedParams(week, SECRET, { maxLifetimeSeconds: 7 * 24 * 3600 })).resolves.toEqual({ user_id: 'u_1' });
    const hour = await token({ iat: now(), exp: now() + 3601 });
    expect(await refusal(verifySignedParams(hour, SECRET, { maxLifetimeSeconds: 3600 }))).toMatch(/lifetime/);
    for (const maxLifetimeSeconds of [Number.NaN, 0, -5]) {
      await expect(verifySignedParams(hour, SECRET, { maxLifetimeSeconds })).rejects.toMatchObject({ code: 'invalid_options' });
    }
  });

  it('refuses iat in the future, and a token without iat', async () => {
    const ahead = await token({ iat: now() + 3600, exp: now() + 3600 + 60 });
    expect(await refusal(verifySignedParams(ahead, SECRET))).toMatch(/future/);
    const noIat = await token({ exp: now() + 60 });
    expect(await refusal(verifySignedParams(noIat, SECRET))).toMatch(/iat/);
  });

  it('refuses a token over 16 KB as invalid_signed_params, before any parsing', async () => {
    const big = await token({ iat: now(), exp: now() + 60 }, { blob: 'x'.repeat(SIGNED_PARAMS_LIMITS.maxTokenBytes) });
    expect(big.length).toBeGreaterThan(SIGNED_PARAMS_LIMITS.maxTokenBytes);
    expect(await refusal(verifySignedParams(big, SECRET))).toMatch(/16384/);
    expect(await refusal(verifySignedParams(42 as never, SECRET))).toMatch(/string/);
  });

  it('signParams refuses a lifetime the verifier would refuse, and bad arguments, as AicadoError invalid_options', async () => {
    await expect(
      signParams({ user_id: 'u' }, SECRET, { expiresInSeconds: SIGNED_PARAMS_LIMITS.maxLifetimeSeconds + 1 }),
    ).rejects.toMatchObject({
      code: 'invalid_options',
      message: expect.stringMatching(/86400/),
    });
    await expect(signParams({ user_id: 'u' }, SECRET, { expiresInSeconds: Number.NaN })).rejects.toMatchObject({ code: 'invalid_options' });
    await expect(signParams({ user_id: 'u' }, 'short')).rejects.toMatchObject({
      code: 'invalid_options',
      message: expect.stringMatching(/16 characters/),
    });
    await expect(verifySignedParams('a.b.c', 'short')).rejects.toMatchObject({ code: 'invalid_options' });
    const day = await signParams({ user_id: 'u' }, SECRET, { expiresInSeconds: SIGNED_PARAMS_LIMITS.maxLifetimeSeconds });
    await expect(verifySignedParams(day, SECRET)).resolves.toEqual({ user_id: 'u' });
  });
});
