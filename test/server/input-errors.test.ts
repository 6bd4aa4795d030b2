import { describe, expect, it } from 'vitest';
import { createWebhookHandler, isWebhookVerificationError, verifyWebhook, type WebhookHeaders } from '../../src/server/index.js';
import { codeOf, EVENT, SECRET, signed } from './fixtures.js';

/** What was thrown: must be a WebhookVerificationError, never a raw TypeError. */
function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (!isWebhookVerificationError(error)) throw new Error(`expected a WebhookVerificationError, got ${String(error)}`);
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a throw');
}

describe('verifyWebhook given the wrong kind of input', () => {
  const { body, headers } = signed();

  it('an already-parsed body (express.json ran first), null or a number: invalid_body, naming the fix', () => {
    for (const wrong of [JSON.parse(body) as unknown, null, undefined, 42, [1, 2]]) {
      const error = thrown(() => verifyWebhook(wrong as never, headers, SECRET));
      expect(error.code).toBe('invalid_body');
      expect(error.message).toContain("express.raw({ type: 'application/json' })");
      expect(error.message).toMatch(/raw/);
    }
    expect(thrown(() => verifyWebhook(JSON.parse(body) as never, headers, SECRET)).message).toMatch(/object/);
  });

  it('null, missing or non-object headers, and a header value that is not a string: invalid_headers', () => {
    for (const wrong of [null, undefined, 'webhook-id: x', 7]) {
      const error = thrown(() => verifyWebhook(body, wrong as never, SECRET));
      expect(error.code).toBe('invalid_headers');
      expect(error.message).toMatch(/headers/);
    }
    const numeric = { ...headers, 'webhook-timestamp': Number(headers['webhook-timestamp']) } as unknown as WebhookHeaders;
    const error = thrown(() => verifyWebhook(body, numeric, SECRET));
    expect(error.code).toBe('invalid_headers');
    expect(error.message).toContain('webhook-timestamp');
    expect(error.message).toMatch(/number/);
  });

  it('a secret that is not a whsec_ string: invalid_secret', () => {
    for (const wrong of ['', undefined, 42, 'whsec_!!!']) {
      const error = thrown(() => verifyWebhook(body, headers, wrong as never));
      expect(error.code).toBe('invalid_secret');
      expect(error.message).toContain('whsec_');
    }
  });

  it('a tolerance that is not a finite number ≥ 0 throws invalid_options, so a year-old webhook is never accepted', () => {
    const yearOld = signed(undefined, { at: Math.floor(Date.now() / 1000) - 365 * 24 * 3600 });
    for (const toleranceSeconds of [Number.NaN, Number(undefined), -1, Number.POSITIVE_INFINITY, '300' as unknown as number]) {
      const error = thrown(() => verifyWebhook(yearOld.body, yearOld.headers, SECRET, { toleranceSeconds }));
      expect(error.code).toBe('invalid_options');
      expect(error.message).toContain('toleranceSeconds');
    }
    expect(thrown(() => verifyWebhook(body, headers, SECRET, null as never)).code).toBe('invalid_options');
    expect(verifyWebhook(body, headers, SECRET, { toleranceSeconds: 0 })).toEqual(EVENT);
    expect(codeOf(() => verifyWebhook(yearOld.body, yearOld.headers, SECRET))).toBe('expired');
  });

  it('createWebhookHandler refuses bad options when it is created, not on each delivery', () => {
    const onEvent = () => undefined;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ toleranceSeconds: Number.NaN }, 'invalid_options', /toleranceSeconds/],
      [{ secret: 'plain' }, 'invalid_secret', /whsec_/],
      [{ secret: 42 }, 'invalid_secret', /whsec_/],
      [{ maxBodyBytes: -1 }, 'invalid_options', /maxBodyBytes/],
      [{ maxBodyBytes: Number.NaN }, 'invalid_options', /maxBodyBytes/],
    ];
    for (const [options, code, message] of cases) {
      expect(thrown(() => createWebhookHandler({ secret: SECRET, onEvent, ...options }))).toEqual({
        code,
        message: expect.stringMatching(message),
      });
    }
  });
});
