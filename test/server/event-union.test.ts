import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/contract/protocol.js';
import { isWebhookVerificationError, verifyWebhook } from '../../src/server/index.js';
import { EVENT, LIFECYCLE_EVENTS, SECRET, signed } from './fixtures.js';

/** What verifyWebhook throws for a body, signed as the backend signs it. */
function refusal(body: unknown): { code: string; message: string } {
  const message = signed(JSON.stringify(body));
  try {
    verifyWebhook(message.body, message.headers, SECRET);
  } catch (error) {
    if (isWebhookVerificationError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('verifyWebhook accepted the body');
}

describe('verifyWebhook and the six event types', () => {
  it('returns each lifecycle event as sent, typed by its type', () => {
    for (const sent of Object.values(LIFECYCLE_EVENTS)) {
      const { body, headers } = signed(JSON.stringify(sent), { id: sent.id });
      const event = verifyWebhook(body, headers, SECRET);
      expect(event).toStrictEqual(sent);
      if (event.type === 'conversation.ended') expect(event.data.transcript[0]?.rating).toBe('up');
    }
  });

  it('refuses a body of an unknown type as invalid_payload, naming the type it got and the known ones', () => {
    const { code, message } = refusal({ ...EVENT, type: 'conversation.finished' });
    expect(code).toBe('invalid_payload');
    expect(message).toContain('"conversation.finished"');
    for (const type of Object.values(WEBHOOK_EVENT_TYPES)) expect(message).toContain(type);
  });

  it('keeps naming the invalid fields of a known type, and of a body whose type is missing or not a string', () => {
    expect(refusal({ ...EVENT, data: { ...EVENT.data, status: 'cancelled' } })).toEqual({
      code: 'invalid_payload',
      message: expect.stringMatching(/invalid field\(s\): data\.status$/),
    });
    const { type: _type, ...untyped } = EVENT;
    for (const body of [untyped, { ...EVENT, type: 42 }, [EVENT], 'query.completed', null]) {
      const { code, message } = refusal(body);
      expect(code).toBe('invalid_payload');
      expect(message).toMatch(/not an Aicado event/);
      expect(message).not.toMatch(/unknown event type/i);
    }
  });
});
