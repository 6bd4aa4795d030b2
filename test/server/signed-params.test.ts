import { describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { AicadoError, signParams, verifySignedParams } from '../../src/server/index.js';

const SECRET = 'sk_test_0123456789abcdef';

describe('signed params', () => {
  it('round-trips params through a compact HS256 JWT', async () => {
    const token = await signParams({ user_id: 'u_1', tier: 2, admin: false, org: null }, SECRET, { expiresInSeconds: 60 });
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    await expect(verifySignedParams(token, SECRET)).resolves.toEqual({ user_id: 'u_1', tier: 2, admin: false, org: null });
  });

  it('applies the params rules when signing', async () => {
    await expect(signParams({ A_ID: 'x' } as never, SECRET)).rejects.toMatchObject({
      code: 'invalid_params',
      issues: [{ key: 'A_ID', code: 'restricted_key' }],
    });
    await expect(signParams({ user_id: 'u' }, 'short')).rejects.toMatchObject({ name: 'AicadoError', code: 'invalid_options' });
    await expect(signParams({ user_id: 'u' }, SECRET, { expiresInSeconds: 0 })).rejects.toThrow(/positive/);
  });

  it('refuses an edited token, another secret, an expired token and a token without expiry', async () => {
    const token = await signParams({ user_id: 'u_1' }, SECRET);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ params: { user_id: 'u_2' }, exp: 9_999_999_999 })).toString('base64url')}.${signature}`;
    const expect401 = (promise: Promise<unknown>, message: RegExp) =>
      expect(promise).rejects.toSatisfy(
        (error: unknown) =>
          error instanceof AicadoError && error.code === 'invalid_signed_params' && error.status === 401 && message.test(error.message),
      );

    await expect401(verifySignedParams(forged, SECRET), /signature does not match/);
    await expect401(verifySignedParams(token, 'sk_another_secret_0000'), /signature does not match/);
    await expect401(verifySignedParams('not-a-jwt', SECRET), /malformed/);

    vi.useFakeTimers();
    vi.setSystemTime(Date.now() - 2 * 3600_000);
    const old = await signParams({ user_id: 'u_1' }, SECRET, { expiresInSeconds: 60 });
    vi.useRealTimers();
    await expect401(verifySignedParams(old, SECRET), /expired/);

    const noExpiry = await new SignJWT({ params: { user_id: 'u_1' } })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    await expect401(verifySignedParams(noExpiry, SECRET), /malformed/);

    const badInside = await new SignJWT({ params: { muser: 'x' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect401(verifySignedParams(badInside, SECRET), /break the rules/);
  });
});

describe('isAicadoError', () => {
  it('recognises an AicadoError from another realm, and nothing that only looks like one', async () => {
    const { runInNewContext } = await import('node:vm');
    const { isAicadoError: guard } = await import('../../src/server/index.js');
    const foreign = runInNewContext("const e = new Error('x'); e.name = 'AicadoError'; e");
    expect(foreign instanceof Error).toBe(false);
    expect(guard(foreign)).toBe(true);
    expect(guard({ name: 'AicadoError' })).toBe(false);
    expect(guard(new Error('x'))).toBe(false);
  });
});
