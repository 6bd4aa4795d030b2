import { describe, expect, it } from 'vitest';
import { postQuery, queryBody, readSse, startTestBackend } from './helpers.js';

describe('the answer stream', () => {
  it('is sent with cache-control: no-cache, not no-store (Chromium reports streamed no-store responses as cancelled)', async () => {
    const backend = await startTestBackend();
    const response = await postQuery(backend, queryBody());
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect((await readSse(response)).map((event) => event.event).at(-1)).toBe('done');
  });
});
