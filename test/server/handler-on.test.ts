import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/contract/protocol.js';
import {
  createMemoryDedupeStore,
  createWebhookHandler,
  isWebhookVerificationError,
  type WebhookDedupeStore,
  type WebhookEvent,
  type WebhookEventHandlers,
} from '../../src/server/index.js';
import { EVENT, LIFECYCLE_EVENTS, SECRET, signed } from './fixtures.js';

const ENDED = LIFECYCLE_EVENTS['conversation.ended'];

/** A delivery of `event` under its own id, freshly signed (as each retry is). */
const post = (event: unknown = ENDED, id = (event as WebhookEvent).id) => {
  const message = signed(JSON.stringify(event), { id });
  return new Request('http://localhost/webhooks', { method: 'POST', headers: message.headers, body: message.body });
};

/** What createWebhookHandler throws for these options, as "code: message". */
const refusal = (options: Record<string, unknown>) => {
  try {
    createWebhookHandler({ secret: SECRET, ...options } as never);
  } catch (error) {
    if (isWebhookVerificationError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('createWebhookHandler accepted the options');
};

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

describe('createWebhookHandler({ on })', () => {
  it('runs the handler of each event type with its own event, and only that one', async () => {
    const seen: string[] = [];
    const on: WebhookEventHandlers = {};
    for (const type of Object.values(WEBHOOK_EVENT_TYPES)) {
      on[type] = vi.fn((event: WebhookEvent) => void seen.push(`${type} <- ${event.type}`));
    }
    const handle = createWebhookHandler({ secret: SECRET, on });
    for (const event of [EVENT, ...Object.values(LIFECYCLE_EVENTS)]) {
      expect((await handle(post(event))).status).toBe(200);
    }
    expect(seen).toEqual(Object.values(WEBHOOK_EVENT_TYPES).map((type) => `${type} <- ${type}`));
    expect(on['conversation.ended']).toHaveBeenCalledWith(ENDED, expect.any(Request), { tx: undefined });
  });

  it('runs onEvent first, then the handler of the type, once per webhook-id with the memory store', async () => {
    const store = createMemoryDedupeStore();
    const calls: string[] = [];
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      onEvent: (event) => void calls.push(`onEvent ${event.type}`),
      on: { 'conversation.ended': async (event) => void calls.push(`ended ${event.data.reason}`) },
    });
    expect((await handle(post())).status).toBe(200);
    const again = await handle(post());
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(calls).toEqual(['onEvent conversation.ended', 'ended idle']);
  });

  it('acknowledges and marks done an event of a type with no handler and no onEvent', async () => {
    const store = createMemoryDedupeStore();
    const ended = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, store, on: { 'conversation.ended': ended } });
    const response = await handle(post(EVENT));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(ended).not.toHaveBeenCalled();
    expect(await store.claim(EVENT.id, 1000)).toBe('done');
  });

  it('answers 500 when an on handler throws, releases the claim, and the retry runs it again', async () => {
    const store = createMemoryDedupeStore();
    const onEvent = vi.fn();
    let attempts = 0;
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      onEvent,
      on: {
        'conversation.ended': () => {
          attempts++;
          if (attempts === 1) throw new Error('crm down');
        },
      },
    });
    const failed = await handle(post());
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('handler_failed');
    expect((await handle(post())).status).toBe(200);
    expect(await (await handle(post())).json()).toEqual({ ok: true, duplicate: true });
    // Both handlers belong to the one claim: the retry runs onEvent again too.
    expect([attempts, onEvent.mock.calls.length]).toEqual([2, 2]);
  });

  it('does not run the on handler when onEvent throws', async () => {
    const ended = vi.fn();
    const handle = createWebhookHandler({
      secret: SECRET,
      onEvent: () => Promise.reject(new Error('db down')),
      on: { 'conversation.ended': ended },
    });
    expect((await handle(post())).status).toBe(500);
    expect(ended).not.toHaveBeenCalled();
  });

  it("runs both inside the store's transaction with { tx }; a throw in the on handler rolls back onEvent's writes", async () => {
    const committed: string[] = [];
    const store = {
      claim: vi.fn(async () => 'claimed' as const),
      complete: vi.fn(async () => undefined),
      release: vi.fn(async () => undefined),
      transaction: vi.fn(async (_id: string, _leaseMs: number, run: (tx: string[]) => Promise<void>) => {
        const writes: string[] = [];
        await run(writes);
        committed.push(...writes);
        return 'claimed' as const;
      }),
    } satisfies WebhookDedupeStore<string[]>;
    let fail = true;
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      onEvent: (event, _request, { tx }) => void tx?.push(`event ${event.id}`),
      on: {
        'conversation.ended': (event, _request, { tx }) => {
          tx?.push(`ended ${event.data.conversation_id}`);
          if (fail) throw new Error('constraint violated');
        },
      },
    });
    expect((await handle(post())).status).toBe(500);
    expect(committed).toEqual([]);
    expect(store.release).toHaveBeenCalledWith(ENDED.id);
    fail = false;
    expect((await handle(post())).status).toBe(200);
    expect(committed).toEqual([`event ${ENDED.id}`, `ended ${ENDED.data.conversation_id}`]);
  });

  it('answers 400 invalid_payload naming an unknown event type, running no handler', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent, on: { 'conversation.ended': onEvent } });
    const response = await handle(post({ ...ENDED, type: 'conversation.finished' }));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_payload');
    expect(error.message).toContain('"conversation.finished"');
    expect(error.message).toContain('conversation.ended');
    expect(onEvent).not.toHaveBeenCalled();
  });
});

describe('createWebhookHandler refuses handlers it could never run, when it is created', () => {
  it('an on key that is not an event type, naming it and the types', () => {
    const message = refusal({ on: { 'conversation.ended': () => undefined, 'conversation.finished': () => undefined } });
    expect(message).toMatch(/^invalid_options: on has a handler for "conversation.finished", which is not an event type/);
    for (const type of Object.values(WEBHOOK_EVENT_TYPES)) expect(message).toContain(type);
    // A name of Object.prototype is no exception.
    expect(refusal({ on: JSON.parse('{"__proto__": null}') })).toMatch(/"__proto__", which is not an event type/);
  });

  it('an on handler or an on that is not a function, or an object of them', () => {
    expect(refusal({ on: { 'handoff.requested': 'notify' } })).toBe(
      'invalid_options: on["handoff.requested"] must be a function, got a string',
    );
    expect(refusal({ on: [() => undefined] })).toMatch(/^invalid_options: on must be an object of handlers by event type.*; got an array$/);
    expect(refusal({ on: null })).toMatch(/^invalid_options: on must be an object .*; got null$/);
  });

  it('neither onEvent nor on, naming both', () => {
    expect(refusal({})).toMatch(/^invalid_options: Give onEvent .*, on .*, or both; got neither$/);
    expect(refusal({ onEvent: undefined, on: undefined })).toMatch(/got neither$/);
  });

  it('accepts on alone, onEvent alone, both, and a handler left undefined', () => {
    const run = () => undefined;
    for (const options of [
      { on: { 'form.submitted': run } },
      { onEvent: run },
      { onEvent: run, on: {} },
      { on: { 'query.completed': undefined } },
    ]) {
      expect(typeof createWebhookHandler({ secret: SECRET, ...options } as never)).toBe('function');
    }
  });
});
