import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiErrorSchema, DeltaEventSchema, DoneEventSchema, ErrorEventSchema } from '../../src/contract/schemas.js';
import { asApiError, asDeltaEvent, asDoneEvent, asErrorEvent } from '../../src/transport/wire.js';

// The browser's hand-written guards must accept exactly what the protocol's zod schemas accept.
const pairs = [
  ['delta', asDeltaEvent, DeltaEventSchema, ['text']],
  ['done', asDoneEvent, DoneEventSchema, ['query_id', 'output']],
  ['error', asErrorEvent, ErrorEventSchema, ['code', 'message']],
] as const;

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string()), fc.object());

describe('wire guards agree with the protocol schemas', () => {
  for (const [name, guard, schema, keys] of pairs) {
    it(`${name} event`, () => {
      const shaped = fc.record(Object.fromEntries(keys.map((k) => [k, anyValue])) as Record<string, typeof anyValue>, { requiredKeys: [] });
      fc.assert(
        fc.property(fc.oneof(shaped, anyValue), (value) => {
          const parsed = schema.safeParse(value);
          const guarded = guard(value);
          expect(guarded !== undefined).toBe(parsed.success);
          if (parsed.success) expect(guarded).toEqual(parsed.data);
        }),
        { numRuns: 1000, seed: 42 },
      );
    });
  }

  it('API error body', () => {
    const issue = fc.record({ key: anyValue, code: anyValue, message: anyValue }, { requiredKeys: [] });
    const body = fc.record(
      { error: fc.oneof(anyValue, fc.record({ code: anyValue, message: anyValue, issues: fc.oneof(fc.constant(undefined), fc.array(issue), anyValue) }, { requiredKeys: [] })) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(body, anyValue), (value) => {
        const parsed = ApiErrorSchema.safeParse(value);
        expect(asApiError(value) !== undefined).toBe(parsed.success);
      }),
      { numRuns: 1000, seed: 42 },
    );
    expect(asApiError({ error: { code: 'invalid_params', message: 'm', issues: [{ key: 'a_id', code: 'restricted_key', message: 'x' }] } })).toEqual({
      error: { code: 'invalid_params', message: 'm', issues: [{ key: 'a_id', code: 'restricted_key', message: 'x' }] },
    });
  });
});
