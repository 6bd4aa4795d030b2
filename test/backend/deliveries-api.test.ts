import { describe, expect, it } from 'vitest';
import { DELIVERIES_PAGE, DELIVERIES_PATH } from '../../demo/backend/protocol.js';
import { postQuery, queryBody, startTestBackend } from './helpers.js';

interface Page {
  deliveries: { id: string; query_id: string }[];
  next_cursor: string | null;
}

describe('GET /v1/deliveries', () => {
  it('requires the webhook secret as a bearer token', async () => {
    const backend = await startTestBackend();
    const url = `${backend.url}${DELIVERIES_PATH}`;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer whsec_notthesecret0000' },
      { authorization: backend.config.agents[0]!.webhookSecret },
    ];
    for (const headers of attempts) {
      const response = await fetch(url, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('unauthorized');
      expect(error.message).toContain('webhook secret');
    }
    const ok = await fetch(url, { headers: { authorization: `Bearer ${backend.config.agents[0]!.webhookSecret}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ deliveries: [], next_cursor: null });
  });

  it('pages with ?cursor=&limit=, oldest first, every row once, filters kept', async () => {
    const backend = await startTestBackend({ rateLimit: 0 });
    const ids: string[] = [];
    // One conversation: its conversation.started (no query_id), then the seven answers.
    const conversation = queryBody().conversation_id;
    for (let i = 0; i < 7; i++) {
      const body = queryBody({ conversation_id: conversation });
      expect((await postQuery(backend, body, { accept: 'application/json' })).status).toBe(200);
      ids.push(body.query_id);
    }
    const get = async (search: string) => {
      const response = await fetch(`${backend.url}${DELIVERIES_PATH}${search}`, {
        headers: { authorization: `Bearer ${backend.config.agents[0]!.webhookSecret}` },
      });
      return { status: response.status, body: (await response.json()) as Page & { error?: { code: string; message: string } } };
    };

    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const { status, body } = await get(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(status).toBe(200);
      expect(body.deliveries.length).toBeLessThanOrEqual(3);
      seen.push(...body.deliveries.map((delivery) => delivery.query_id));
      cursor = body.next_cursor;
      pages++;
    }
    expect(seen).toEqual([null, ...ids]);
    expect(pages).toBe(3);

    const all = await get('');
    expect(all.body.deliveries).toHaveLength(8); // the default page (100) holds them all
    expect(all.body.next_cursor).toBeNull();
    const one = await get(`?query_id=${ids[4]}&limit=1`);
    expect(one.body.deliveries.map((delivery) => delivery.query_id)).toEqual([ids[4]]);

    for (const bad of ['?limit=0', `?limit=${DELIVERIES_PAGE.maxLimit + 1}`, '?limit=ten', '?cursor=not-a-cursor', '?status=lost']) {
      const { status, body } = await get(bad);
      expect(status, bad).toBe(400);
      expect(body.error?.code).toBe('invalid_request');
    }
    expect((await get(`?limit=${DELIVERIES_PAGE.maxLimit}`)).status).toBe(200);
  });
});
