import { describe, expect, it } from 'vitest';
import { verifyWebhook, type QueryFeedbackEvent } from '../../src/server/index.js';
import { codeOf, EVENT, SECRET, signed } from './fixtures.js';

const FEEDBACK: QueryFeedbackEvent = {
  type: 'query.feedback',
  id: 'evt_feedback01',
  created_at: '2026-11-28T12:01:00.000Z',
  data: {
    agent_id: 'demo',
    query_id: EVENT.data.query_id,
    conversation_id: EVENT.data.conversation_id,
    rating: 'down',
    params: EVENT.data.params,
    verified_params: { user_id: 'u_verified' },
  },
};

describe('webhook event types', () => {
  it('verifies a query.feedback event, typed by its type', () => {
    const { body, headers } = signed(JSON.stringify(FEEDBACK), { id: FEEDBACK.id });
    const event = verifyWebhook(body, headers, SECRET);
    expect(event).toStrictEqual(FEEDBACK);
    if (event.type !== 'query.feedback') throw new Error('narrowing failed');
    expect(event.data.rating).toBe('down');
    const taken = signed(JSON.stringify({ ...FEEDBACK, data: { ...FEEDBACK.data, rating: null } }), { id: FEEDBACK.id });
    expect(verifyWebhook(taken.body, taken.headers, SECRET)).toMatchObject({ data: { rating: null } });
  });

  it('verifies a stopped answer with its partial output and sources', () => {
    const stopped = { ...EVENT, data: { ...EVENT.data, status: 'stopped', output: 'You said' } };
    const { body, headers } = signed(JSON.stringify(stopped));
    expect(verifyWebhook(body, headers, SECRET)).toStrictEqual(stopped);
  });

  it('reads an answer of an older backend (no status, no sources) as completed, with no sources', () => {
    const { status: _status, sources: _sources, ...data } = EVENT.data;
    const { body, headers } = signed(JSON.stringify({ ...EVENT, data }));
    expect(verifyWebhook(body, headers, SECRET)).toStrictEqual({ ...EVENT, data: { ...data, status: 'completed', sources: [] } });
  });

  it('drops a source that is not http(s), and refuses an unknown type, status or rating as invalid_payload', () => {
    const sources = [{ title: 'x', url: 'javascript:alert(1)' }, ...EVENT.data.sources];
    const withBad = signed(JSON.stringify({ ...EVENT, data: { ...EVENT.data, sources } }));
    expect(verifyWebhook(withBad.body, withBad.headers, SECRET)).toStrictEqual(EVENT);
    for (const changed of [
      { ...EVENT, type: 'query.deleted' },
      { ...EVENT, data: { ...EVENT.data, status: 'cancelled' } },
      { ...FEEDBACK, data: { ...FEEDBACK.data, rating: 'meh' } },
      { ...FEEDBACK, data: { ...FEEDBACK.data, params: undefined } },
    ]) {
      const { body, headers } = signed(JSON.stringify(changed));
      expect(codeOf(() => verifyWebhook(body, headers, SECRET))).toBe('invalid_payload');
    }
  });
});
