import { describe, expect, it } from 'vitest';
import { signParams } from '../../src/server/signed-params.js';
import { COMPLETIONS, listDeliveries, postQuery, queryBody, readSse, sleep, startReceiver, startTestBackend } from './helpers.js';

const SIGNING_SECRET = 'sk_backend_test_secret_0123456789';

describe('concurrent duplicates of one query_id', () => {
  it('20 at once with a signed token: one model run, 20 identical answers, one webhook, no 5xx', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url, signingSecret: SIGNING_SECRET, deltaDelayMs: 5 });
    const body = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET) });
    const responses = await Promise.all(Array.from({ length: 20 }, () => postQuery(backend, body)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const streams = await Promise.all(responses.map(readSse));

    // The model's run streams in several deltas; every other request waited and got the answer replayed.
    const deltaCounts = streams.map((events) => events.filter((event) => event.event === 'delta').length);
    expect(deltaCounts.filter((count) => count > 1)).toHaveLength(1);
    const finals = streams.map((events) => events.at(-1));
    expect(finals[0]?.event).toBe('done');
    expect((finals[0]?.data as { output: string }).output).toContain('Verified params:');
    for (const final of finals) expect(final).toEqual(finals[0]);
    await receiver.waitForCount(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
    expect(backend.logs.join('\n')).not.toMatch(/UNIQUE|unexpected/);
  });

  it('JSON clients too, and a reuse with another input gets 409 while the first runs', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET, deltaDelayMs: 5 });
    const body = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET) });
    const other = { ...body, input: 'another question' };
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, () => postQuery(backend, body, { accept: 'application/json' })),
      postQuery(backend, other, { accept: 'application/json' }),
    ]);
    const answers = await Promise.all(
      responses.map(async (response) => ({ status: response.status, body: (await response.json()) as unknown })),
    );
    const conflict = answers.pop();
    expect(conflict).toEqual({ status: 409, body: { error: { code: 'idempotency_conflict', message: expect.any(String) } } });
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
  });

  it('a refused token does not block a duplicate that carries a valid one', async () => {
    const backend = await startTestBackend({ signingSecret: SIGNING_SECRET, deltaDelayMs: 1 });
    const good = queryBody({ signed_params: await signParams({ user_id: 'u_1' }, SIGNING_SECRET) });
    const forged = { ...good, signed_params: await signParams({ user_id: 'u_1' }, 'sk_not_the_agents_secret_000') };
    const [refused, accepted] = await Promise.all([
      postQuery(backend, forged, { accept: 'application/json' }),
      postQuery(backend, good, { accept: 'application/json' }),
    ]);
    expect(refused.status).toBe(401);
    expect(accepted.status).toBe(200);
    expect((await listDeliveries(backend)).map((delivery) => delivery.type)).toEqual(['conversation.started', 'query.completed']);
  });
});
