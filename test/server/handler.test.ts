import { describe, expect, it, vi } from 'vitest';
import { createMemoryDedupeStore, createWebhookHandler, type WebhookEvent } from '../../src/server/index.js';
import { EVENT, SECRET, signed } from './fixtures.js';

function webhookRequest(message = signed(), init: RequestInit = {}): Request {
  return new Request('http://localhost/webhooks', { method: 'POST', headers: message.headers, body: message.body, ...init });
}

describe('createWebhookHandler', () => {
  it('verifies, runs onEvent with the typed event, and answers 200', async () => {
    const onEvent = vi.fn<(event: WebhookEvent, request: Request) => void>();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    const response = await handle(webhookRequest());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(onEvent).toHaveBeenCalledTimes(1);
    expect(onEvent.mock.calls[0]?.[0]).toEqual(EVENT);
  });

  it('answers 405 to other methods and 400 with the verification code to bad requests', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    const get = await handle(new Request('http://localhost/webhooks'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    const message = signed();
    const tampered = await handle(webhookRequest({ ...message, body: message.body.replace('u_42', 'u_99') }));
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({ error: { code: 'bad_signature', message: expect.any(String) } });

    const old = await handle(webhookRequest(signed(undefined, { at: Math.floor(Date.now() / 1000) - 1000 })));
    expect(((await old.json()) as { error: { code: string } }).error.code).toBe('expired');
    const tolerant = createWebhookHandler({ secret: SECRET, onEvent, toleranceSeconds: 2000 });
    expect((await tolerant(webhookRequest(signed(undefined, { at: Math.floor(Date.now() / 1000) - 1000 })))).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when onEvent throws, so the sender retries', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const handle = createWebhookHandler({
      secret: SECRET,
      onEvent: async () => {
        throw new Error('database down');
      },
    });
    const response = await handle(webhookRequest());
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('database down');
    errors.mockRestore();
  });

  it('dedupes by webhook-id: a redelivery is acknowledged without running onEvent again', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const store = createMemoryDedupeStore();
    let failNext = true;
    const seen: string[] = [];
    const handle = createWebhookHandler({
      secret: SECRET,
      store,
      onEvent: (event) => {
        if (failNext) {
          failNext = false;
          throw new Error('transient');
        }
        seen.push(event.id);
      },
    });
    // A failed run is not remembered, so the retry runs it; later retries (fresh signatures) are skipped.
    expect((await handle(webhookRequest())).status).toBe(500);
    expect((await handle(webhookRequest())).status).toBe(200);
    const retry = await handle(webhookRequest(signed(undefined, { at: Math.floor(Date.now() / 1000) - 1 })));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ ok: true, duplicate: true });
    expect(seen).toEqual([EVENT.id]);
    expect(await store.claim(EVENT.id, 1000)).toBe('done');
    errors.mockRestore();
  });

  it('answers 409 to a redelivery that arrives while the first one is still being handled', async () => {
    let release: () => void = () => undefined;
    const onEvent = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const handle = createWebhookHandler({ secret: SECRET, onEvent, store: createMemoryDedupeStore() });
    const message = signed();
    const first = handle(webhookRequest(message));
    await vi.waitFor(() => expect(onEvent).toHaveBeenCalledTimes(1));
    const overlapping = await handle(webhookRequest(message));
    expect(overlapping.status).toBe(409);
    release();
    expect((await first).status).toBe(200);
    const later = await handle(webhookRequest(message));
    expect(await later.json()).toEqual({ ok: true, duplicate: true });
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('accepts a store of its own making', async () => {
    const claimed = new Set<string>();
    const done = new Set<string>();
    const onEvent = vi.fn();
    const handle = createWebhookHandler({
      secret: SECRET,
      onEvent,
      store: {
        claim: async (id) => (done.has(id) ? 'done' : claimed.has(id) ? 'busy' : (claimed.add(id), 'claimed')),
        complete: async (id) => void (claimed.delete(id) && done.add(id)),
        release: async (id) => void claimed.delete(id),
      },
    });
    await handle(webhookRequest());
    await handle(webhookRequest());
    expect(onEvent).toHaveBeenCalledTimes(1);
  });

  it('keeps the memory store bounded', async () => {
    const store = createMemoryDedupeStore({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) {
      await store.claim(id, 1000);
      await store.complete(id);
    }
    expect([await store.claim('c', 1000), await store.claim('b', 1000), await store.claim('a', 1000)]).toEqual(['done', 'done', 'claimed']);
  });
});
