import { describe, expect, it, vi } from 'vitest';
import { createWebhookHandler } from '../../src/server/index.js';
import { EVENT, SECRET, signed } from './fixtures.js';

const MB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A request body of `total` bytes made on demand, counting how much of it the handler pulled. */
function hugeBody(total: number) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const size = Math.min(CHUNK, total - pulled);
      pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { stream, pulled: () => pulled };
}

/** Runs `work` while sampling RSS every few ms; returns its result and the peak RSS added. */
async function peakRssAdded<T>(work: () => Promise<T>): Promise<{ result: T; addedMb: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, addedMb: (peak - before) / MB };
  } finally {
    clearInterval(sampler);
  }
}

function post(headers: Record<string, string>, body: ReadableStream<Uint8Array> | string): Request {
  return new Request('http://localhost/webhooks', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

describe('createWebhookHandler on oversized or headerless bodies', () => {
  it('answers 413 to a 300 MB streamed body after reading just over 1 MB, adding < 50 MB RSS', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    const body = hugeBody(300 * MB);
    const { result: response, addedMb } = await peakRssAdded(() => handle(post(signed().headers, body.stream)));
    console.log(`300 MB streamed POST: +${addedMb.toFixed(1)} MB RSS, ${(body.pulled() / MB).toFixed(2)} MB read`);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'body_too_large', message: expect.stringContaining('1048576') } });
    expect(body.pulled()).toBeLessThanOrEqual(MB + 4 * CHUNK);
    expect(addedMb).toBeLessThan(50);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it('answers 413 from content-length alone, before reading the body', async () => {
    const handle = createWebhookHandler({ secret: SECRET, onEvent: vi.fn() });
    const body = hugeBody(300 * MB);
    const response = await handle(post({ ...signed().headers, 'content-length': String(300 * MB) }, body.stream));
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(2 * CHUNK);
  });

  it('checks the headers first: a headerless 300 MB POST gets 400 missing_headers without its body being read', async () => {
    const handle = createWebhookHandler({ secret: SECRET, onEvent: vi.fn() });
    const body = hugeBody(300 * MB);
    const response = await handle(post({ 'content-type': 'application/json' }, body.stream));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_headers');
    expect(body.pulled()).toBeLessThanOrEqual(2 * CHUNK);
  });

  it('accepts a genuine body up to the cap, which is configurable', async () => {
    const onEvent = vi.fn();
    const handle = createWebhookHandler({ secret: SECRET, onEvent });
    const padding = MB - JSON.stringify(EVENT).length - 64;
    const large = JSON.stringify({ ...EVENT, data: { ...EVENT.data, output: 'x'.repeat(padding) } });
    expect(large.length).toBeLessThanOrEqual(MB);
    const message = signed(large);
    expect((await handle(post(message.headers, message.body))).status).toBe(200);
    expect(onEvent).toHaveBeenCalledTimes(1);

    const small = createWebhookHandler({ secret: SECRET, onEvent, maxBodyBytes: 200 });
    const refused = await small(post(signed().headers, signed().body));
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('200');
  });
});
