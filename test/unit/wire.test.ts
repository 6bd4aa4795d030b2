import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DefinitionCheckSchema, PublicDefinitionSchema } from '../../src/contract/agent-definition.js';
import { asDefinition } from '../../src/at-load/core/definition.js';
import {
  ApiErrorSchema,
  DeltaEventSchema,
  DoneEventSchema,
  ErrorEventSchema,
  SourcesSchema,
  StatusEventSchema,
} from '../../src/contract/schemas.js';
import { asApiError, asDeltaEvent, asDoneEvent, asErrorEvent, asSources, asStatusEvent } from '../../src/on-intent/transport/wire.js';

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string()),
  fc.object(),
);
// Sources as a hostile or sloppy server might send them: schemes a link must never have, long titles and URLs, markup.
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'javascript:alert(1)',
    'java\tscript:alert(1)',
    ' https://example.com/x',
    'https://',
    'data:text/html,x',
    'mailto:a@b.c',
    '//example.com',
    'HTTP://EXAMPLE.COM',
  ),
  fc.webUrl().map((u) => `${u}/${'a'.repeat(2030)}`),
  anyValue,
);
const title = fc.oneof(fc.string(), fc.constant('<img src=x onerror=alert(1)>'), fc.string({ minLength: 195, maxLength: 205 }), anyValue);
const source = fc.oneof(fc.record({ title, url }, { requiredKeys: [] }), anyValue);
const sources = fc.oneof(fc.array(source, { maxLength: 12 }), anyValue);
const status = fc.oneof(fc.constantFrom('completed', 'stopped', 'cancelled'), anyValue);
const text = fc.oneof(fc.string({ maxLength: 130 }), fc.string({ minLength: 118, maxLength: 122 }), anyValue);

// The browser's hand-written guards must accept exactly what the protocol's zod schemas accept.
const pairs = [
  ['delta', asDeltaEvent, DeltaEventSchema, { text: anyValue }],
  ['status', asStatusEvent, StatusEventSchema, { text }],
  ['done', asDoneEvent, DoneEventSchema, { query_id: anyValue, output: anyValue, status, sources }],
  ['error', asErrorEvent, ErrorEventSchema, { code: anyValue, message: anyValue }],
] as const;

describe('wire guards agree with the protocol schemas', () => {
  for (const [name, guard, schema, fields] of pairs) {
    it(`${name} event`, () => {
      const shaped = fc.record(fields as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] });
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

  it('sources: the guard keeps exactly the sources the schema keeps, and drops the same', () => {
    fc.assert(
      fc.property(sources, (value) => {
        const parsed = SourcesSchema.safeParse(value);
        expect(asSources(value)).toEqual(parsed.success ? parsed.data : undefined);
      }),
      { numRuns: 1000, seed: 42 },
    );
    expect(
      asSources([
        { title: 'x', url: 'javascript:alert(1)' },
        { title: 'ok', url: 'https://example.com/' },
      ]),
    ).toEqual([{ title: 'ok', url: 'https://example.com/' }]);
  });

  it('API error body', () => {
    const issue = fc.record({ key: anyValue, code: anyValue, message: anyValue }, { requiredKeys: [] });
    const body = fc.record(
      {
        error: fc.oneof(
          anyValue,
          fc.record(
            { code: anyValue, message: anyValue, issues: fc.oneof(fc.constant(undefined), fc.array(issue), anyValue) },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(body, anyValue), (value) => {
        const parsed = ApiErrorSchema.safeParse(value);
        expect(asApiError(value) !== undefined).toBe(parsed.success);
      }),
      { numRuns: 1000, seed: 42 },
    );
    expect(
      asApiError({ error: { code: 'invalid_params', message: 'm', issues: [{ key: 'a_id', code: 'restricted_key', message: 'x' }] } }),
    ).toEqual({
      error: { code: 'invalid_params', message: 'm', issues: [{ key: 'a_id', code: 'restricted_key', message: 'x' }] },
    });
  });

  it('agent definition: the guard accepts what DefinitionCheckSchema accepts, and every public definition', () => {
    // Mostly well-formed fields, each sometimes replaced by anything, so both answers are explored.
    const or = <T>(arbitrary: fc.Arbitrary<T>) =>
      fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.oneof(anyValue, fc.double()) });
    const param = fc.record(
      {
        type: or(fc.constantFrom('string', 'number', 'boolean', 'date')),
        description: or(fc.string()),
        enum: or(fc.oneof(fc.constant(undefined), fc.array(fc.oneof(fc.string(), fc.double(), fc.boolean()), { maxLength: 3 }))),
        maxLength: or(fc.oneof(fc.constant(undefined), fc.integer(), fc.double())),
        required: or(fc.oneof(fc.constant(undefined), fc.boolean())),
      },
      { requiredKeys: [] },
    );
    const definition = fc.record(
      { agent_id: or(fc.string()), name: or(fc.string()), params: or(fc.dictionary(fc.string(), param, { maxKeys: 3 })) },
      { requiredKeys: [] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(definition, anyValue), (input) => {
        const guarded = asDefinition(input);
        expect(guarded !== undefined, JSON.stringify(input)).toBe(DefinitionCheckSchema.safeParse(input).success);
        if (PublicDefinitionSchema.safeParse(input).success) expect(guarded).toBeDefined();
        if (guarded) accepted++;
      }),
      { numRuns: 3000, seed: 42 },
    );
    expect(accepted).toBeGreaterThan(100);
    const valid = {
      agent_id: 'demo',
      name: 'Demo',
      params: { plan: { type: 'string', description: 'p', enum: ['free', 'pro'], maxLength: 4, required: true } },
    };
    expect(asDefinition(valid)).toBe(valid);
    expect(asDefinition({ params: { x: { type: 'date' } } })).toBeUndefined();
  });
});
