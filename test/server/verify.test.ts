import { describe, expect, it } from 'vitest';
import { isWebhookVerificationError, verifyWebhook, WebhookVerificationError } from '../../src/server/index.js';
import { codeOf, EVENT, OTHER_SECRET, SECRET, signed } from './fixtures.js';

describe('verifyWebhook', () => {
  it('returns the typed event for a string body and a plain header object', () => {
    const { body, headers } = signed();
    expect(verifyWebhook(body, headers, SECRET)).toEqual(EVENT);
  });

  it('accepts bytes, an ArrayBuffer, Fetch Headers and header names in any case', () => {
    const { body, headers } = signed();
    const bytes = new TextEncoder().encode(body);
    const upper = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toUpperCase(), value]));
    expect(verifyWebhook(bytes, new Headers(headers), SECRET)).toEqual(EVENT);
    expect(verifyWebhook(bytes.buffer, upper, SECRET)).toEqual(EVENT);
    expect(verifyWebhook(Buffer.from(body), { ...headers, 'x-other': undefined }, SECRET)).toEqual(EVENT);
  });

  it('keeps every param value and JSON type', () => {
    const { body, headers } = signed();
    const event = verifyWebhook(body, headers, SECRET);
    expect(event.data.params).toStrictEqual({ user_id: 'u_42', count: 3, beta: true, ref: null });
  });

  it('rejects a body with one changed byte', () => {
    const { body, headers } = signed();
    const tampered = body.replace('u_42', 'u_43');
    expect(codeOf(() => verifyWebhook(tampered, headers, SECRET))).toBe('bad_signature');
    const bytes = new TextEncoder().encode(body);
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    expect(codeOf(() => verifyWebhook(bytes, headers, SECRET))).toBe('bad_signature');
  });

  it('rejects a wrong secret, a changed id and a changed timestamp', () => {
    const { body, headers } = signed();
    expect(codeOf(() => verifyWebhook(body, headers, OTHER_SECRET))).toBe('bad_signature');
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-id': 'evt_other' }, SECRET))).toBe('bad_signature');
    const moved = String(Number(headers['webhook-timestamp']) - 1);
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': moved }, SECRET))).toBe('bad_signature');
  });

  it('rejects a timestamp too old or too far in the future, with a configurable tolerance', () => {
    const now = Math.floor(Date.now() / 1000);
    const old = signed(undefined, { at: now - 301 });
    const future = signed(undefined, { at: now + 301 });
    expect(codeOf(() => verifyWebhook(old.body, old.headers, SECRET))).toBe('expired');
    expect(codeOf(() => verifyWebhook(future.body, future.headers, SECRET))).toBe('expired');
    expect(verifyWebhook(old.body, old.headers, SECRET, { toleranceSeconds: 600 })).toEqual(EVENT);
    const recent = signed(undefined, { at: now - 20 });
    expect(codeOf(() => verifyWebhook(recent.body, recent.headers, SECRET, { toleranceSeconds: 10 }))).toBe('expired');
  });

  it('reports missing or malformed headers', () => {
    const { body, headers } = signed();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
      expect(codeOf(() => verifyWebhook(body, without, SECRET))).toBe('missing_headers');
    }
    expect(codeOf(() => verifyWebhook(body, {}, SECRET))).toBe('missing_headers');
    expect(codeOf(() => verifyWebhook(body, new Headers(), SECRET))).toBe('missing_headers');
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': 'yesterday' }, SECRET))).toBe('missing_headers');
  });

  it('accepts a signature header with several entries when any one is valid (key rotation)', () => {
    const { body, headers } = signed();
    const stale = signed(body, { secret: OTHER_SECRET, at: Number(headers['webhook-timestamp']) }).headers['webhook-signature'];
    const list = `v2,ignored ${stale} v1,bm90LWEtc2lnbmF0dXJl ${headers['webhook-signature']}`;
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': list }, SECRET)).toEqual(EVENT);
    // Node joins repeated headers into an array; Fetch Headers joins them with ", ".
    const repeated = new Headers({ 'webhook-id': headers['webhook-id']!, 'webhook-timestamp': headers['webhook-timestamp']! });
    repeated.append('webhook-signature', stale ?? '');
    repeated.append('webhook-signature', headers['webhook-signature']!);
    expect(verifyWebhook(body, repeated, SECRET)).toEqual(EVENT);
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': [stale ?? '', headers['webhook-signature']!] }, SECRET)).toEqual(EVENT);
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-signature': `${stale} v1,AAAA` }, SECRET))).toBe('bad_signature');
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-signature': 'v2,abc' }, SECRET))).toBe('bad_signature');
  });

  it('rejects a correctly signed body that is not JSON or not an Aicado event', () => {
    for (const body of [
      'not json',
      JSON.stringify({ ...EVENT, type: 'other' }),
      JSON.stringify({ ...EVENT, data: { ...EVENT.data, params: { a: [1] } } }),
    ]) {
      const message = signed(body);
      expect(codeOf(() => verifyWebhook(message.body, message.headers, SECRET))).toBe('invalid_payload');
    }
  });

  it('throws a named error class that the guard recognises across realms', () => {
    const { body } = signed();
    let caught: unknown;
    try {
      verifyWebhook(body, {}, SECRET);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookVerificationError);
    expect((caught as Error).name).toBe('WebhookVerificationError');
    expect((caught as Error).message).toContain('webhook-id');
    const foreign = Object.assign(new Error('x'), { name: 'WebhookVerificationError', code: 'expired' });
    expect(isWebhookVerificationError(foreign)).toBe(true);
    expect(isWebhookVerificationError(new Error('x'))).toBe(false);
    expect(isWebhookVerificationError({ name: 'WebhookVerificationError' })).toBe(false);
  });

  it('explains a malformed secret', () => {
    const { body, headers } = signed();
    expect(() => verifyWebhook(body, headers, '')).toThrow(/whsec_/);
  });
});
