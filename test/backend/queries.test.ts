import { describe, expect, it } from 'vitest';
import { checkParams } from '../../src/contract/params.js';
import type { QueryCompletedEvent } from '../../src/contract/webhook-events.js';
import { completed } from '../support/webhook-events.js';
import { verifyWebhook } from '../../src/server/index.js';
import {
  COMPLETIONS,
  listDeliveries,
  postQuery,
  queryBody,
  readSse,
  sleep,
  startReceiver,
  startTestBackend,
  waitForDelivery,
} from './helpers.js';

const PARAMS = { user_id: 'u_42', plan: 'pro', count: 3, ratio: 1.5, beta: true, opted_out: false, ref: null, empty: '' };

describe('query API', () => {
  it('streams several deltas then done, with the input verbatim and each param', async () => {
    const backend = await startTestBackend();
    const input = 'Where is "my" order?\nIt is #42 — ünïcode';
    const body = queryBody({ input, params: PARAMS });
    const response = await postQuery(backend, body);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    const deltas = events.filter((event) => event.event === 'delta');
    expect(deltas.length).toBeGreaterThan(2);
    expect(events.at(-1)?.event).toBe('done');
    expect(events.slice(0, -1).every((event) => event.event === 'delta')).toBe(true);

    const done = events.at(-1)?.data as { query_id: string; output: string };
    expect(done.query_id).toBe(body.query_id);
    expect(deltas.map((event) => (event.data as { text: string }).text).join('')).toBe(done.output);
    expect(done.output).toContain(input);
    expect(done.output).toContain('- user_id: "u_42"');
    expect(done.output).toContain('- count: 3');
    expect(done.output).toContain('- beta: true');
    expect(done.output).toContain('- ref: null');
  });

  it('answers JSON to a client that does not accept SSE', async () => {
    const backend = await startTestBackend();
    const body = queryBody();
    const response = await postQuery(backend, body, { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const answer = (await response.json()) as { query_id: string; output: string };
    expect(answer).toEqual({
      query_id: body.query_id,
      output: expect.stringContaining('You said: "Where is my order?"'),
      status: 'completed',
      sources: [],
    });
  });

  it('signs a webhook that verifyWebhook accepts, carrying params with their JSON types and the context', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = queryBody({ params: PARAMS });
    const done = (await readSse(await postQuery(backend, body))).at(-1)?.data as { output: string };

    const [webhook] = await receiver.waitForCount(1);
    if (!webhook) throw new Error('no webhook');
    expect(webhook.headers['content-type']).toBe('application/json');
    const event: QueryCompletedEvent = completed(verifyWebhook(webhook.body, webhook.headers, backend.config.agents[0]!.webhookSecret));
    expect(event.type).toBe('query.completed');
    expect(event.id).toMatch(/^evt_/);
    expect(webhook.headers['webhook-id']).toBe(event.id);
    expect(event.data).toEqual({
      agent_id: 'demo',
      query_id: body.query_id,
      conversation_id: body.conversation_id,
      input: body.input,
      output: done.output,
      status: 'completed',
      sources: [],
      params: PARAMS,
      context: body.context,
    });
    // Same keys, values and JSON types: compare the serialised params too (1.5 vs "1.5", null vs absent).
    expect(JSON.stringify(event.data.params)).toBe(JSON.stringify(PARAMS));
    expect(Object.keys(event.data.params)).toEqual(Object.keys(PARAMS));
    await waitForDelivery(backend, body.query_id, (delivery) => delivery.status === 'delivered');
  });

  it('refuses restricted keys in any letter case with the contract issues, and fires no webhook', async () => {
    const receiver = await startReceiver();
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const params = { A_ID: 'x', muser: 'y', user_id: 'u_1' };
    const body = queryBody({ params });
    const response = await postQuery(backend, body);

    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: { code: string; message: string; issues: unknown[] } };
    expect(error.error.code).toBe('invalid_params');
    const expected = checkParams(params);
    if (expected.ok) throw new Error('expected issues');
    expect(error.error.issues).toEqual(expected.issues);
    expect(error.error.issues.map((issue) => (issue as { code: string }).code)).toEqual(['restricted_key', 'restricted_key']);
    expect(error.error.message).toContain('A_ID');
    expect(error.error.message).toContain('muser');

    await sleep(100);
    expect(await listDeliveries(backend)).toEqual([]);
    expect(receiver.received).toHaveLength(0);
  });

  it('runs a query_id once: the retry replays the stored answer as one delta, with one webhook', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = queryBody();
    const first = await readSse(await postQuery(backend, body));
    const again = await readSse(await postQuery(backend, body));
    const asJson = (await (await postQuery(backend, body, { accept: 'application/json' })).json()) as { output: string };

    const output = (first.at(-1)?.data as { output: string }).output;
    expect(again).toEqual([
      { event: 'delta', data: { text: output } },
      { event: 'done', data: { query_id: body.query_id, output, status: 'completed', sources: [] } },
    ]);
    expect(asJson.output).toBe(output);
    await waitForDelivery(backend, body.query_id, (delivery) => delivery.status === 'delivered');
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
  });

  it('makes a concurrent duplicate wait for the running query instead of running it again', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, deltaDelayMs: 15 });
    const body = queryBody();
    const [a, b] = await Promise.all([postQuery(backend, body), sleep(5).then(() => postQuery(backend, body))]);
    const [eventsA, eventsB] = await Promise.all([readSse(a), readSse(b)]);

    expect(eventsA.at(-1)).toEqual(eventsB.at(-1));
    expect(eventsA.filter((event) => event.event === 'delta').length).toBeGreaterThan(1);
    expect(eventsB.filter((event) => event.event === 'delta')).toHaveLength(1); // a replay, not a second run
    expect(eventsA.at(-1)?.event).toBe('done');
    await receiver.waitForCount(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
  });

  it('finishes a query whose client left mid-stream, so the retry replays it with one webhook', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, deltaDelayMs: 20 });
    const body = queryBody({ params: PARAMS });
    const controller = new AbortController();
    const response = await postQuery(backend, body, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read(); // the first delta arrived; the visitor goes offline
    controller.abort();

    await receiver.waitForCount(1);
    const retry = await readSse(await postQuery(backend, body));
    expect(retry.map((event) => event.event)).toEqual(['delta', 'done']);
    expect((retry[1]?.data as { output: string }).output).toContain('- user_id: "u_42"');
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
  });

  it('answers 409 when a query_id is reused for a different query', async () => {
    const backend = await startTestBackend();
    const body = queryBody({ params: { user_id: 'u_42', plan: 'pro' } });
    await readSse(await postQuery(backend, body));
    for (const change of [{ input: 'something else' }, { params: { user_id: 'u_43' } }, { conversation_id: 'c_otherconversation' }]) {
      const response = await postQuery(backend, { ...body, ...change });
      expect(response.status).toBe(409);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    }
    // Param order and a changed context are the same query.
    const reordered = await postQuery(
      backend,
      { ...body, params: { plan: 'pro', user_id: 'u_42' }, context: { page_url: 'https://elsewhere.example' } },
      { accept: 'application/json' },
    );
    expect(reordered.status).toBe(200);
  });

  it('requires idempotency-key to equal query_id when present', async () => {
    const backend = await startTestBackend();
    const response = await postQuery(backend, queryBody(), { headers: { 'idempotency-key': 'q_somethingelse' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_mismatch');
  });
});
