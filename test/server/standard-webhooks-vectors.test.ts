import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueryCompletedEvent, WebhookEvent } from '../../src/contract/webhook-events.js';
import { isWebhookVerificationError, verifyWebhook, type WebhookVerificationErrorCode } from '../../src/server/index.js';
import { codeOf } from './fixtures.js';

// The known-answer vector of the Standard Webhooks spec and its reference libraries.
const KAT = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

const KAT_HEADERS = {
  'webhook-id': KAT.id,
  'webhook-timestamp': String(KAT.timestamp),
  'webhook-signature': KAT.signature,
};

/** A genuine Aicado event, so that a passing verification returns the event instead of `invalid_payload`. */
const EVENT: QueryCompletedEvent = {
  type: 'query.completed',
  id: 'evt_kat0001',
  created_at: '2021-02-26T15:42:10.000Z',
  data: {
    agent_id: 'demo',
    query_id: 'q_kat0000001',
    conversation_id: 'c_kat0000001',
    input: 'Wo ist meine Bestellung? ünïcödé',
    output: 'You said: "Wo ist meine Bestellung? ünïcödé"',
    status: 'completed',
    sources: [],
    params: { user_id: 'u_42', count: 3, beta: true, ref: null },
  },
};

/** Freezes the clock (Date only) at a Unix time in seconds. */
function clockAt(seconds: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(seconds * 1000);
}

/** Signs like a Standard Webhooks sender, at the KAT's timestamp unless told otherwise. */
function sign(body: string, options: { secret?: string; id?: string; at?: number } = {}): Record<string, string> {
  const id = options.id ?? KAT.id;
  const at = options.at ?? KAT.timestamp;
  const signature = new Webhook(options.secret ?? KAT.secret).sign(id, new Date(at * 1000), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': signature };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Standard Webhooks known-answer vector', () => {
  it('is the vector the reference library signs (sanity check of the vector itself)', () => {
    expect(new Webhook(KAT.secret).sign(KAT.id, new Date(KAT.timestamp * 1000), KAT.payload)).toBe(KAT.signature);
  });

  // verifyWebhook checks headers, then the signature, then the timestamp, and only then the payload. The
  // KAT payload is not an Aicado event, so the vector passing shows as `invalid_payload`; the same call
  // with one signature byte changed must fail earlier, with `bad_signature`.
  it('passes the signature step at the vector time (clock faked), then stops at invalid_payload', () => {
    clockAt(KAT.timestamp);
    let error: unknown;
    try {
      verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret);
    } catch (caught) {
      error = caught;
    }
    expect(isWebhookVerificationError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'WebhookVerificationError', code: 'invalid_payload' });

    const flipped = KAT.signature.replace('g0hM', 'g0hN');
    expect(codeOf(() => verifyWebhook(KAT.payload, { ...KAT_HEADERS, 'webhook-signature': flipped }, KAT.secret))).toBe('bad_signature');
    expect(codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh'))).toBe('bad_signature');
  });

  it('passes with the real clock when the tolerance covers the vector time, and is expired otherwise', () => {
    const age = Math.floor(Date.now() / 1000) - KAT.timestamp;
    expect(codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret, { toleranceSeconds: age + 3600 }))).toBe('invalid_payload');
    expect(codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret))).toBe('expired');
  });

  it('accepts the vector as bytes and with Fetch Headers', () => {
    clockAt(KAT.timestamp);
    const bytes = new TextEncoder().encode(KAT.payload);
    expect(codeOf(() => verifyWebhook(bytes, new Headers(KAT_HEADERS), KAT.secret))).toBe('invalid_payload');
  });

  it('returns the event for an Aicado body signed with the vector secret, id and timestamp', () => {
    clockAt(KAT.timestamp);
    const body = JSON.stringify(EVENT);
    expect(verifyWebhook(body, sign(body), KAT.secret)).toStrictEqual(EVENT);
  });
});

describe('verifyWebhook against hostile deliveries', () => {
  it('accepts a header holding several signatures when one matches (key rotation), in any position', () => {
    clockAt(KAT.timestamp);
    const body = JSON.stringify(EVENT);
    const good = sign(body)['webhook-signature'];
    const oldKey = sign(body, { secret: 'whsec_dGhpcyBpcyBhbm90aGVyIHNlY3JldCBrZXkh' })['webhook-signature'];
    const headers = sign(body);
    for (const list of [`${oldKey} ${good}`, `${good} ${oldKey}`, `v1a,ignored ${oldKey} ${good} v2,zzz`]) {
      expect(verifyWebhook(body, { ...headers, 'webhook-signature': list }, KAT.secret)).toStrictEqual(EVENT);
    }
    // The KAT signature next to a stale one: still passes the signature step.
    const katList = `v1,bm90LWEtc2lnbmF0dXJlLWF0LWFsbC0tLS0tLS0tLS0tLQ== ${KAT.signature}`;
    expect(codeOf(() => verifyWebhook(KAT.payload, { ...KAT_HEADERS, 'webhook-signature': katList }, KAT.secret))).toBe('invalid_payload');
    // Only stale ones: refused.
    expect(codeOf(() => verifyWebhook(body, { ...headers, 'webhook-signature': `${oldKey} ${oldKey}` }, KAT.secret))).toBe('bad_signature');
  });

  it('rejects a re-serialised body: the signature covers the raw bytes', () => {
    clockAt(KAT.timestamp);
    const reserialisedKat = JSON.stringify(JSON.parse(KAT.payload) as unknown);
    expect(reserialisedKat).not.toBe(KAT.payload);
    expect(codeOf(() => verifyWebhook(reserialisedKat, KAT_HEADERS, KAT.secret))).toBe('bad_signature');

    const raw = JSON.stringify(EVENT, null, 2);
    const headers = sign(raw);
    expect(verifyWebhook(raw, headers, KAT.secret)).toStrictEqual(EVENT);
    const parsed = JSON.parse(raw) as WebhookEvent;
    expect(codeOf(() => verifyWebhook(JSON.stringify(parsed), headers, KAT.secret))).toBe('bad_signature');
    const reordered = JSON.stringify({ data: parsed.data, created_at: parsed.created_at, id: parsed.id, type: parsed.type }, null, 2);
    expect(codeOf(() => verifyWebhook(reordered, headers, KAT.secret))).toBe('bad_signature');
  });

  it('rejects a missing header, whichever it is, as missing_headers', () => {
    clockAt(KAT.timestamp);
    for (const name of Object.keys(KAT_HEADERS)) {
      const without = Object.fromEntries(Object.entries(KAT_HEADERS).filter(([key]) => key !== name));
      expect(
        codeOf(() => verifyWebhook(KAT.payload, without, KAT.secret)),
        name,
      ).toBe('missing_headers');
      expect(
        codeOf(() => verifyWebhook(KAT.payload, new Headers(without), KAT.secret)),
        name,
      ).toBe('missing_headers');
      expect(
        codeOf(() => verifyWebhook(KAT.payload, { ...KAT_HEADERS, [name]: '' }, KAT.secret)),
        name,
      ).toBe('missing_headers');
    }
    expect(codeOf(() => verifyWebhook(KAT.payload, {}, KAT.secret))).toBe('missing_headers');
  });

  it('rejects timestamps too old and too far in the future; the default tolerance is 300 s either way', () => {
    const cases: [offsetSeconds: number, code: WebhookVerificationErrorCode][] = [
      [0, 'invalid_payload'],
      [300, 'invalid_payload'],
      [-300, 'invalid_payload'],
      [301, 'expired'], // now is 301 s after the timestamp: too old
      [-301, 'expired'], // now is 301 s before the timestamp: too far in the future
      [86_400 * 365, 'expired'],
      [-86_400 * 365, 'expired'],
    ];
    for (const [offset, code] of cases) {
      clockAt(KAT.timestamp + offset);
      expect(
        codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret)),
        `clock at vector ${offset >= 0 ? '+' : ''}${offset} s`,
      ).toBe(code);
    }
    clockAt(KAT.timestamp + 1000);
    expect(codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret, { toleranceSeconds: 1000 }))).toBe('invalid_payload');
    expect(codeOf(() => verifyWebhook(KAT.payload, KAT_HEADERS, KAT.secret, { toleranceSeconds: 999 }))).toBe('expired');
  });

  it('refuses an old delivery whose timestamp was moved to look fresh: the signature covers it', () => {
    clockAt(KAT.timestamp + 10_000);
    const moved = { ...KAT_HEADERS, 'webhook-timestamp': String(KAT.timestamp + 10_000) };
    expect(codeOf(() => verifyWebhook(KAT.payload, moved, KAT.secret))).toBe('bad_signature');
  });
});
