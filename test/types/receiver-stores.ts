// The handler types `tx` from its store: the Postgres store's client, `unknown` for a store without transactions.
import { createMemoryDedupeStore, createWebhookHandler } from 'aicado-embed/server';
import { createPostgresDedupeStore } from 'aicado-embed/server/postgres';

declare const pool: Parameters<typeof createPostgresDedupeStore>[0];

createWebhookHandler({
  secret: 'whsec_dGVzdA==',
  store: createPostgresDedupeStore(pool),
  async onEvent(_event, _request, { tx }) {
    await tx?.query('INSERT INTO answers (id) VALUES ($1)', ['q_1']);
  },
});

createWebhookHandler({
  secret: 'whsec_dGVzdA==',
  store: createMemoryDedupeStore(),
  onEvent(_event, _request, { tx }) {
    // @ts-expect-error a store without transactions gives no client to write through
    void tx.query;
  },
});
