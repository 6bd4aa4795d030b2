import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completed } from '../support/webhook-events.js';
import { verifyWebhook } from '../../src/server/index.js';
import {
  badKey,
  ISSUE_CODES,
  issueSet,
  jsonViolation,
  objectOf,
  PROPERTY_SEED,
  RawJson,
  restrictedKey,
  smallValidParams,
  tooManyBytes,
  tooManyKeys,
  validKey,
  validParams,
  validValue,
  withViolations,
} from '../e2e/support/params-arbitraries.js';
import { COMPLETIONS, postQuery, queryBody, startReceiver, startTestBackend, type TestBackend } from './helpers.js';

// Every run is a real HTTP request to the in-process backend (JSON mode, echo without delay).
const RUNS = { seed: PROPERTY_SEED, numRuns: 1000 } as const;
const TIMEOUT_MS = 30_000;

interface ApiError {
  code: string;
  message: string;
  issues?: { key: string; code: string; message: string }[];
}

/** The JSON text of a body; RawJson values are written as their raw text (`1e999`, which parses to Infinity). */
function jsonText(body: unknown): string {
  const raw: string[] = [];
  const nonce = `raw-${Math.random().toString(36).slice(2)}`;
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raw.push(value.text);
    return `${nonce}-${raw.length - 1}`;
  });
  return text.replace(new RegExp(`"${nonce}-(\\d+)"`, 'g'), (_match, index: string) => raw[Number(index)] ?? 'null');
}

/** Posts params in a fresh valid query and returns the status with the parsed JSON answer. */
async function postParams(backend: TestBackend, params: unknown): Promise<{ status: number; body: unknown; queryId: string }> {
  const query = queryBody({ params });
  const response = await postQuery(backend, jsonText(query), {
    accept: 'application/json',
    headers: { 'idempotency-key': query.query_id },
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json(), queryId: query.query_id };
}

async function expectInvalidParams(backend: TestBackend, params: unknown): Promise<ApiError> {
  const { status, body } = await postParams(backend, params);
  expect(status).toBe(400);
  const error = (body as { error: ApiError }).error;
  expect(error.code).toBe('invalid_params');
  return error;
}

describe('params over the real query endpoint, property-based', () => {
  it(
    'any valid params object reaches the signed webhook unchanged: same keys, order, values and JSON types',
    async () => {
      const receiver = await startReceiver(COMPLETIONS);
      const backend = await startTestBackend({ webhookUrl: receiver.url, deltaDelayMs: 0, rateLimit: 0 });
      const sent = new Map<string, string>(); // query_id → the params' JSON as sent
      await fc.assert(
        fc.asyncProperty(validParams, async (params) => {
          const { status, body, queryId } = await postParams(backend, params);
          expect(status).toBe(200);
          expect(body).toMatchObject({ query_id: queryId });
          sent.set(queryId, JSON.stringify(params));
        }),
        RUNS,
      );
      expect(sent.size).toBeGreaterThanOrEqual(RUNS.numRuns);

      await receiver.waitForCount(sent.size, 20_000);
      const seen = new Set<string>();
      for (const webhook of receiver.received) {
        const event = completed(verifyWebhook(webhook.body, webhook.headers, backend.config.agents[0]!.webhookSecret));
        const expected = sent.get(event.data.query_id);
        expect(expected, `webhook for an unknown query ${event.data.query_id}`).toBeDefined();
        expect(JSON.stringify(event.data.params)).toBe(expected);
        expect(event.data.params).toStrictEqual(JSON.parse(expected ?? 'null'));
        seen.add(event.data.query_id);
      }
      expect(seen.size).toBe(sent.size);
    },
    TIMEOUT_MS,
  );

  it(
    'restricted keys (any case, any position), bad keys and bad values: 400 invalid_params listing exactly those',
    async () => {
      const backend = await startTestBackend({ deltaDelayMs: 0, rateLimit: 0 });
      await fc.assert(
        fc.asyncProperty(
          withViolations(smallValidParams, jsonViolation, { minLength: 1, maxLength: 6 }),
          async ({ entries, violations }) => {
            const error = await expectInvalidParams(backend, objectOf(entries));
            expect(issueSet(error.issues ?? [])).toStrictEqual(issueSet(violations));
            for (const violation of violations) expect(error.message).toContain(violation.key.slice(0, 60));
          },
        ),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'too many keys and too many bytes: 400 with one too_many or too_large issue',
    async () => {
      const backend = await startTestBackend({ deltaDelayMs: 0, rateLimit: 0 });
      const cases = fc.oneof(
        tooManyKeys.map((params) => ({ params, code: 'too_many' })),
        tooManyBytes.map((params) => ({ params, code: 'too_large' })),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ params, code }) => {
          const error = await expectInvalidParams(backend, params);
          expect((error.issues ?? []).map((issue) => ({ key: issue.key, code: issue.code }))).toStrictEqual([{ key: '', code }]);
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    'whatever the body, headers or params, the answer is a success or a 4xx JSON error, and the process stays up',
    async () => {
      const backend = await startTestBackend({ deltaDelayMs: 0, rateLimit: 0 });
      const anyKey = fc.oneof(validKey, restrictedKey, badKey, fc.string({ maxLength: 70 }));
      const anyParams = fc.oneof(
        fc.jsonValue(),
        fc.dictionary(anyKey, fc.oneof(validValue, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 60 }),
        validParams,
      );
      const body = fc.oneof(
        { weight: 5, arbitrary: anyParams.map((params) => jsonText(queryBody({ params }))) },
        fc.jsonValue().map((value) => JSON.stringify(value)),
        fc
          .record(
            {
              query_id: fc.oneof(fc.constant(queryBody().query_id), fc.jsonValue()),
              conversation_id: fc.oneof(fc.constant('c_property0001'), fc.jsonValue()),
              input: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
              params: anyParams,
              context: fc.oneof(fc.jsonValue(), fc.record({ page_url: fc.jsonValue() })),
            },
            { requiredKeys: [] },
          )
          .map((value) => JSON.stringify(value)),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      );
      const headers = fc.record({
        'content-type': fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON') },
          { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', '') },
        ),
        accept: fc.constantFrom('application/json', 'text/event-stream', '*/*', ''),
        'idempotency-key': fc.oneof(
          fc.constant(''),
          fc.string({ maxLength: 20 }).map((key) => key.replace(/[^\x20-\x7e]/g, '')),
        ),
      });
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(body, headers, async (payload, header) => {
          const response = await fetch(`${backend.url}/v1/agents/demo/queries`, {
            method: 'POST',
            headers: Object.fromEntries(Object.entries(header).filter(([, value]) => value !== '')),
            body: payload,
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          if (response.status === 200) return;
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          const error = (JSON.parse(text) as { error: ApiError }).error;
          expect(typeof error.code).toBe('string');
          expect(typeof error.message).toBe('string');
          for (const issue of error.issues ?? []) expect(ISSUE_CODES).toContain(issue.code);
        }),
        RUNS,
      );
      // The mix reaches every stage: successes, schema and params errors, wrong content types.
      for (const status of [200, 400, 415]) expect(statuses.get(status) ?? 0).toBeGreaterThan(20);
      expect(await (await fetch(`${backend.url}/healthz`)).json()).toEqual({ ok: true });
      expect(backend.logs.filter((line) => /unexpected error|query failed/.test(line))).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
