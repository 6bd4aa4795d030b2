// fast-check generators for custom params, shared by the SDK and backend property tests. The rules are
// written here from their documentation (docs/params.md), not imported from src/contract/params.ts: an
// oracle that reads the module under test would agree with any change to it.
import fc from 'fast-check';

/** The fixed seed of every params property, so a failure replays exactly. */
export const PROPERTY_SEED = 20_261_128;

export const SPEC_RESTRICTED_KEYS = ['a_id', 'at', 'old_id', 's', 't', 'audi', 'sl', 'raid', 'u_id', 'muser'] as const;
/** `prototype` and the names of Object.prototype's members (ECMAScript's, with Annex B's). */
export const SPEC_PROTOTYPE_KEYS = [
  'prototype',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
] as const;
export const SPEC_LIMITS = { maxKeys: 50, maxKeyLength: 64, maxStringLength: 1000, maxJsonBytes: 8192 } as const;
export const ISSUE_CODES = ['restricted_key', 'invalid_key', 'invalid_value', 'too_many', 'too_large'] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];
export type JsonParamValue = string | number | boolean | null;
export type Entry = readonly [key: string, value: unknown];

/** One injected violation and the issue it must produce. */
export interface Violation {
  key: string;
  value: unknown;
  code: IssueCode;
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const restricted = new Set<string>(SPEC_RESTRICTED_KEYS);
const prototypeKeys = new Set<string>(SPEC_PROTOTYPE_KEYS);

/** Bytes of the params serialised as JSON (UTF-8). */
export const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/** How a snake-case normaliser would read a key: camelCase split, lower case, dashes as underscores, outer underscores trimmed. */
function snakeCase(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    const previous = key[i - 1] ?? '';
    if (c >= 'A' && c <= 'Z' && /[a-z0-9]/.test(previous)) out += '_';
    out += c === '-' ? '_' : c.toLowerCase();
  }
  return out.split('_').filter(Boolean).join('_');
}

/** What the spec says about a key alone. */
export function keyVerdict(key: string): 'ok' | 'restricted_key' | 'invalid_key' {
  if (restricted.has(key.toLowerCase()) || restricted.has(snakeCase(key))) return 'restricted_key';
  if (prototypeKeys.has(key) || key.length > SPEC_LIMITS.maxKeyLength || !KEY_PATTERN.test(key)) return 'invalid_key';
  return 'ok';
}

/** An object with exactly these own data properties, in this order (`__proto__` included, as JSON.parse does). */
export function objectOf(entries: readonly Entry[]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** Keys that pass every key rule, with near-misses of the restricted and prototype keys on purpose. */
export const validKey: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,11}$/) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'user_id',
        'session_id',
        'plan',
        '_',
        'A',
        'a-',
        'ss',
        'ts',
        'sl_',
        'at1',
        'u_id_',
        'x_a_id',
        'muser2',
        'oldid',
        'Constructor',
        'PROTOTYPE',
        '__proto',
        'proto__',
        '__PROTO__',
        'tostring',
        'HasOwnProperty',
        'valueOf_',
        'k'.repeat(64),
      ),
    },
  )
  .filter((key) => keyVerdict(key) === 'ok');

const shortKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/).filter((key) => keyVerdict(key) === 'ok');

/** Small values of every allowed JSON type. */
export const smallValue: fc.Arbitrary<JsonParamValue> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) }, // astral characters, lone surrogates
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 0.1) },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
);

/** Any allowed value, now and then a long string up to the 1,000-character limit (UTF-16 units, as JS counts). */
export const validValue: fc.Arbitrary<JsonParamValue> = fc.oneof(
  { weight: 16, arbitrary: smallValue },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: SPEC_LIMITS.maxStringLength }) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary', minLength: 100, maxLength: 600 }).filter((text) => text.length <= SPEC_LIMITS.maxStringLength),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(SPEC_LIMITS.maxStringLength), '😀'.repeat(SPEC_LIMITS.maxStringLength / 2)) },
);

/** Exactly 50 keys and exactly 8 KiB of JSON: on both limits, still valid. */
export const paramsAtTheLimits: fc.Arbitrary<Record<string, string>> = fc
  .uniqueArray(validKey, { minLength: SPEC_LIMITS.maxKeys, maxLength: SPEC_LIMITS.maxKeys })
  .map((keys) => fillToBytes(keys, SPEC_LIMITS.maxJsonBytes));

/** Params whose values are `x` runs that bring the JSON to exactly `bytes` (keys must leave room). */
export function fillToBytes(keys: readonly string[], bytes: number): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(keys.map((key) => [key, '']));
  let missing = bytes - jsonBytes(params);
  for (const key of keys) {
    const take = Math.min(missing, SPEC_LIMITS.maxStringLength);
    params[key] = 'x'.repeat(take);
    missing -= take;
  }
  return params;
}

/** Any valid params object (JSON values only), from empty to the limits. */
export const validParams: fc.Arbitrary<Record<string, JsonParamValue>> = fc
  .oneof(
    { weight: 6, arbitrary: fc.dictionary(validKey, validValue, { maxKeys: SPEC_LIMITS.maxKeys }) },
    { weight: 2, arbitrary: fc.dictionary(validKey, smallValue, { minKeys: 40, maxKeys: SPEC_LIMITS.maxKeys }) },
    { weight: 1, arbitrary: paramsAtTheLimits },
  )
  .filter((params) => jsonBytes(params) <= SPEC_LIMITS.maxJsonBytes);

/** Valid params small enough that injected violations can never add a too_many or too_large issue. */
export const smallValidParams = fc.dictionary(validKey, smallValue, { maxKeys: 20 }).filter((params) => jsonBytes(params) <= 4096);

/** A restricted key in a random letter case. */
export const restrictedKey: fc.Arbitrary<string> = fc.constantFrom(...SPEC_RESTRICTED_KEYS).chain((key) => fc.mixedCase(fc.constant(key)));

/** Keys that break the key rules (and are not restricted): bad characters, empty, too long, prototype keys. */
export const badKey: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ maxLength: 12 }),
    fc.stringMatching(/^[0-9-][A-Za-z0-9_-]{0,10}$/),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{64,90}$/),
    fc.constantFrom(
      ...SPEC_PROTOTYPE_KEYS,
      '',
      ' ',
      '1',
      '42',
      '-x',
      'a b',
      'a.b',
      'user id',
      'ключ',
      'a\u0000',
      'a\n',
      'émoji😀',
      ' a_id',
      'a_id ',
    ),
  )
  .filter((key) => keyVerdict(key) === 'invalid_key');

/** Marks a value that must appear in the JSON body as raw text (e.g. `1e999`, which JSON.parse turns into Infinity). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Values that break the value rules and can still be sent as JSON. */
export const badJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ minLength: SPEC_LIMITS.maxStringLength + 1, maxLength: SPEC_LIMITS.maxStringLength + 300 }),
  fc.constant('😀'.repeat(SPEC_LIMITS.maxStringLength / 2 + 1)), // 501 characters on screen, 1,002 UTF-16 units
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom(new RawJson('1e999'), new RawJson('-1e999'), new RawJson('1E400')),
);

const violationOf =
  (code: IssueCode) =>
  ([key, value]: [string, unknown]): Violation => ({ key, value, code });

/** One violating entry of any kind, JSON-representable. */
export const jsonViolation: fc.Arbitrary<Violation> = fc.oneof(
  fc.tuple(restrictedKey, smallValue).map(violationOf('restricted_key')),
  fc.tuple(badKey, smallValue).map(violationOf('invalid_key')),
  fc.tuple(validKey, badJsonValue).map(violationOf('invalid_value')),
);

/** A valid base with violations inserted at random positions; keys are unique. */
export function withViolations(
  base: fc.Arbitrary<Record<string, unknown>>,
  violation: fc.Arbitrary<Violation>,
  count: { minLength: number; maxLength: number },
): fc.Arbitrary<{ entries: Entry[]; violations: Violation[] }> {
  return fc
    .tuple(
      base,
      fc.uniqueArray(violation, { ...count, selector: (v) => v.key }),
      fc.array(fc.nat(), { minLength: count.maxLength, maxLength: count.maxLength }),
    )
    .filter(([params, violations]) => violations.every((v) => !Object.hasOwn(params, v.key)))
    .map(([params, violations, positions]) => {
      const entries: Entry[] = Object.entries(params);
      violations.forEach((v, index) => entries.splice((positions[index] ?? 0) % (entries.length + 1), 0, [v.key, v.value]));
      return { entries, violations };
    });
}

/** 51 to 80 valid keys with small values, well under 8 KiB: only `too_many` applies. */
export const tooManyKeys: fc.Arbitrary<Record<string, JsonParamValue>> = fc
  .uniqueArray(shortKey, { minLength: SPEC_LIMITS.maxKeys + 1, maxLength: 80 })
  .chain((keys) =>
    fc.tuple(
      fc.constant(keys),
      fc.array(fc.oneof(fc.string({ maxLength: 16 }), fc.integer(), fc.boolean(), fc.constant(null)), {
        minLength: keys.length,
        maxLength: keys.length,
      }),
    ),
  )
  .map(([keys, values]) => Object.fromEntries(keys.map((key, index) => [key, values[index] ?? null])))
  .filter((params) => jsonBytes(params) <= SPEC_LIMITS.maxJsonBytes);

/** At most 50 keys, every value allowed, but more than 8 KiB of JSON together: only `too_large` applies. */
export const tooManyBytes: fc.Arbitrary<Record<string, JsonParamValue>> = fc
  .oneof(
    fc
      .uniqueArray(validKey, { minLength: 17, maxLength: SPEC_LIMITS.maxKeys })
      .chain((keys) =>
        fc.tuple(
          fc.constant(keys),
          fc.array(fc.string({ unit: fc.constantFrom('x', 'é', '€', '😀', '"', '\\', '\n'), minLength: 500, maxLength: 500 }), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
        ),
      )
      .map(([keys, values]) =>
        Object.fromEntries(keys.map((key, index) => [key, (values[index] ?? '').slice(0, SPEC_LIMITS.maxStringLength)])),
      ),
    // One byte over the limit.
    fc
      .uniqueArray(validKey, { minLength: 20, maxLength: SPEC_LIMITS.maxKeys })
      .map((keys) => fillToBytes(keys, SPEC_LIMITS.maxJsonBytes + 1)),
  )
  .filter((params) => jsonBytes(params) > SPEC_LIMITS.maxJsonBytes);

/** `{key, code}` pairs, sorted, for comparing issue lists regardless of order. */
export function issueSet(issues: readonly { key: string; code: string }[]): string[] {
  return issues.map(({ key, code }) => `${code}:${JSON.stringify(key)}`).sort();
}
