import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/server/index.js';
import { completed } from '../support/webhook-events.js';
import {
  listDeliveries,
  postAction,
  postQuery,
  queryBody,
  readSse,
  readTimedSse,
  sleep,
  COMPLETIONS,
  startReceiver,
  startTestBackend,
  waitForDelivery,
  type TimedSseEvent,
} from './helpers.js';

const textOf = (events: readonly { event: string; data: unknown }[]) =>
  events
    .filter((event) => event.event === 'delta')
    .map((event) => (event.data as { text: string }).text)
    .join('');

describe('stopping an answer', () => {
  it('stops the model mid-stream: the stream ends with the partial text, and one webhook says "stopped" with it', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, deltaDelayMs: 40 });
    const params = { user_id: 'u_stop', plan: 'pro' };
    const body = queryBody({ params, input: 'Tell me a long story about ten different things, please' });
    let stopAnswer: Promise<Response> | undefined;
    const events = await readTimedSse(await postQuery(backend, body), (event: TimedSseEvent) => {
      if (event.event === 'delta' && !stopAnswer) {
        stopAnswer = postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id });
      }
    });
    const response = await stopAnswer!;
    expect(response.status).toBe(200);
    const stopped = (await response.json()) as { query_id: string; output: string; status: string };

    const done = events.at(-1);
    expect(done?.event).toBe('done');
    const shown = textOf(events);
    expect(done?.data).toEqual({ query_id: body.query_id, output: shown, status: 'stopped', sources: [] });
    expect(stopped).toEqual({ query_id: body.query_id, output: shown, status: 'stopped', sources: [] });
    // Only part of the answer was produced: the model run was stopped, not merely hidden.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).not.toContain('user_id');

    await receiver.waitForCount(1);
    const event = completed(
      verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret),
    );
    expect(event.data).toMatchObject({ query_id: body.query_id, status: 'stopped', output: shown, params });
    await sleep(300);
    expect(receiver.received).toHaveLength(1);
  });

  it('replays a stopped answer for its query_id, and a second stop changes nothing', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, firstTokenDelayMs: 5000 });
    const body = queryBody();
    const streaming = postQuery(backend, body).then(readSse);
    await sleep(100);
    const first = await postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id });
    expect(await first.json()).toEqual({ query_id: body.query_id, output: '', status: 'stopped', sources: [] });
    expect((await streaming).at(-1)).toEqual({
      event: 'done',
      data: { query_id: body.query_id, output: '', status: 'stopped', sources: [] },
    });

    const again = await postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id });
    expect(await again.json()).toEqual({ query_id: body.query_id, output: '', status: 'stopped', sources: [] });
    const replay = await readSse(await postQuery(backend, body));
    expect(replay.at(-1)?.data).toEqual({ query_id: body.query_id, output: '', status: 'stopped', sources: [] });
    await waitForDelivery(backend, body.query_id, (delivery) => delivery.status === 'delivered');
    expect(await listDeliveries(backend, body.query_id)).toHaveLength(1);
  });

  it('a stop after the answer completed answers the completed answer and sends no second webhook', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const body = queryBody();
    const done = (await readSse(await postQuery(backend, body))).at(-1)?.data as { output: string };
    const response = await postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ query_id: body.query_id, output: done.output, status: 'completed', sources: [] });
    await receiver.waitForCount(1);
    await sleep(200);
    expect(receiver.received).toHaveLength(1);
    expect(
      completed(verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret)).data
        .status,
    ).toBe('completed');
  });

  it('refuses a stop for an unknown query, another conversation or another agent with 404, and a bad body with 400', async () => {
    const backend = await startTestBackend({ agents: ['demo', 'sales'] });
    const body = queryBody();
    await readSse(await postQuery(backend, body));
    const other = queryBody();
    const codeOf = async (response: Promise<Response>) => {
      const answer = await response;
      return [answer.status, ((await answer.json()) as { error: { code: string } }).error.code];
    };
    expect(await codeOf(postAction(backend, 'q_unknown12345', 'stop', { conversation_id: body.conversation_id }))).toEqual([
      404,
      'unknown_query',
    ]);
    expect(await codeOf(postAction(backend, body.query_id, 'stop', { conversation_id: other.conversation_id }))).toEqual([
      404,
      'unknown_query',
    ]);
    expect(await codeOf(postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id }, 'sales'))).toEqual([
      404,
      'unknown_query',
    ]);
    expect(await codeOf(postAction(backend, body.query_id, 'stop', { conversation_id: body.conversation_id }, 'nobody'))).toEqual([
      404,
      'unknown_agent',
    ]);
    expect(await codeOf(postAction(backend, body.query_id, 'stop', {}))).toEqual([400, 'invalid_request']);
  });

  it('a dropped connection is not a stop: the model runs on and the webhook says "completed"', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, deltaDelayMs: 20 });
    const body = queryBody();
    const controller = new AbortController();
    const response = await postQuery(backend, body, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await receiver.waitForCount(1);
    const event = completed(
      verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret),
    );
    expect(event.data.status).toBe('completed');
    expect(event.data.output).toContain('user_id');
  });
});
