import { describe, expect, it } from 'vitest';
import { parseFlags, resolveConfig } from '../../demo/backend/config/index.js';
import { postQuery, queryBody, startTestBackend } from './helpers.js';

async function statusOf(backend: { url: string }, body: Record<string, unknown>): Promise<number> {
  const response = await postQuery(backend, body, { accept: 'application/json' });
  await response.arrayBuffer();
  return response.status;
}

describe('rate limiting', () => {
  it('limits a client address too, so a fresh conversation_id per query does not get around the limit', async () => {
    const backend = await startTestBackend({ rateLimit: 2, rateLimitPerAddress: 5, deltaDelayMs: 0 });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await statusOf(backend, queryBody())); // each queryBody has its own conversation
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await postQuery(backend, queryBody(), { accept: 'application/json' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const { error } = (await limited.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/address/) });
  });

  it("defaults the per-address limit to ten conversations' worth, and --rate-limit 0 turns both off", () => {
    expect(resolveConfig({ rateLimit: 30 }, {}).rateLimitPerAddress).toBe(300);
    expect(resolveConfig({ rateLimit: 0 }, {}).rateLimitPerAddress).toBe(0);
    expect(resolveConfig(parseFlags(['--rate-limit', '4', '--rate-limit-per-address', '7']), {})).toMatchObject({
      rateLimit: 4,
      rateLimitPerAddress: 7,
    });
  });
});
