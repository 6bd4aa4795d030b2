import { describe, expect, it } from 'vitest';
import { SourcesSchema } from '../../src/contract/schemas.js';
import { verifyWebhook } from '../../src/server/index.js';
import { completed } from '../support/webhook-events.js';
import { postQuery, queryBody, readSse, COMPLETIONS, startReceiver, startTestBackend } from './helpers.js';

describe('sources of an answer', () => {
  it('the echo model cites the URLs of the input; done and the webhook carry the same sources; bad ones are dropped', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({ webhookUrl: receiver.url });
    const input =
      'Compare [<img src=x onerror=alert(1)> Guide](https://example.com/guide) with https://docs.example.org/a?b=1 and [bad](javascript:alert(1))';
    const body = queryBody({ input });
    const done = (await readSse(await postQuery(backend, body))).at(-1)?.data as { sources: unknown };
    const expected = [
      { title: '<img src=x onerror=alert(1)> Guide', url: 'https://example.com/guide' },
      { title: 'https://docs.example.org/a?b=1', url: 'https://docs.example.org/a?b=1' },
    ];
    expect(done.sources).toEqual(expected);
    await receiver.waitForCount(1);
    const event = completed(
      verifyWebhook(receiver.received[0]!.body, receiver.received[0]!.headers, backend.config.agents[0]!.webhookSecret),
    );
    expect(event.data.sources).toEqual(expected);
    expect(event.data.status).toBe('completed');
    // The stored answer replays with its sources.
    expect((await readSse(await postQuery(backend, body))).at(-1)?.data).toEqual(done);
  });

  it('an answer without URLs has no sources', async () => {
    const backend = await startTestBackend();
    const done = (await readSse(await postQuery(backend, queryBody()))).at(-1)?.data as { sources: unknown };
    expect(done.sources).toEqual([]);
  });

  it('the schema keeps at most 8 valid http(s) sources and drops the rest', () => {
    const valid = Array.from({ length: 10 }, (_, i) => ({ title: `Doc ${i}`, url: `https://example.com/${i}` }));
    const bad = [
      { title: 'js', url: 'javascript:alert(1)' },
      { title: 'tab', url: 'java\tscript:alert(1)' },
      { title: 'data', url: 'data:text/html,<script>alert(1)</script>' },
      { title: 'mail', url: 'mailto:a@example.com' },
      { title: 'relative', url: '/relative' },
      { title: 42, url: 'https://example.com/n' },
      { url: 'https://example.com/no-title' },
      { title: 'x'.repeat(201), url: 'https://example.com/long-title' },
      { title: 'long url', url: `https://example.com/${'a'.repeat(2048)}` },
      'https://example.com/not-an-object',
      null,
    ];
    expect(SourcesSchema.parse([...bad, ...valid])).toEqual(valid.slice(0, 8));
    expect(SourcesSchema.safeParse('not a list').success).toBe(false);
  });
});
