import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { checkParams, RESTRICTED_PARAM_KEYS, validateParams, type ParamIssue } from '../../src/contract/params.js';
import { isAicadoError } from '../../src/contract/errors.js';
import { verifyWebhook } from '../../src/server/index.js';
import {
  ISSUE_CODES,
  issueSet,
  jsonViolation,
  objectOf,
  PROPERTY_SEED,
  RawJson,
  restrictedKey,
  smallValidParams,
  smallValue,
  SPEC_RESTRICTED_KEYS,
  tooManyBytes,
  tooManyKeys,
  validKey,
  validParams,
  withViolations,
  type Entry,
  type Violation,
} from '../e2e/support/params-arbitraries.js';

const RUNS = { seed: PROPERTY_SEED, numRuns: 1000 } as const;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The issues validateParams throws with; fails the property if it returns or throws anything but AicadoError. */
function rejection(input: unknown): readonly ParamIssue[] {
  let thrown: unknown;
  try {
    validateParams(input);
  } catch (error) {
    thrown = error;
  }
  if (!isAicadoError(thrown)) throw new Error(`expected an AicadoError, got ${String(thrown)}`);
  expect(thrown.code).toBe('invalid_params');
  const check = checkParams(input);
  expect(check.ok).toBe(false);
  expect(check.ok ? [] : check.issues).toStrictEqual(thrown.issues);
  return thrown.issues;
}

/** The webhook the backend would send for these params, signed and then verified as the site owner's server does. */
function throughSignedWebhook(params: Record<string, unknown>) {
  const body = JSON.stringify({
    type: 'query.completed',
    id: 'evt_property',
    created_at: new Date().toISOString(),
    data: { agent_id: 'demo', query_id: 'q_property01', conversation_id: 'c_property01', input: 'hi', output: 'hi', params },
  });
  const at = new Date();
  const headers = {
    'webhook-id': 'evt_property',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign('evt_property', at, body),
  };
  return verifyWebhook(body, headers, SECRET);
}

// Hundreds of runs each: the default 5 s is too short on a busy machine.
describe('params rules, property-based (SDK validator)', { timeout: 30_000 }, () => {
  it('the restricted set is the documented one', () => {
    expect([...RESTRICTED_PARAM_KEYS].sort()).toStrictEqual([...SPEC_RESTRICTED_KEYS].sort());
  });

  it('any valid params object is accepted and comes back unchanged, also after the signed webhook', () => {
    fc.assert(
      fc.property(validParams, (params) => {
        const plain = { ...params }; // the generator also makes null-prototype objects; the result is always plain
        expect(checkParams(params)).toStrictEqual({ ok: true, params: plain });
        const clean = validateParams(params);
        expect(clean).toStrictEqual(plain); // same keys, values, JSON types; -0 stays -0
        expect(clean).not.toBe(params);
        expect(JSON.stringify(clean)).toBe(JSON.stringify(params)); // same key order on the wire
        const event = throughSignedWebhook(clean);
        expect(JSON.stringify(event.data.params)).toBe(JSON.stringify(params));
        expect(event.data.params).toStrictEqual(JSON.parse(JSON.stringify(params)));
      }),
      RUNS,
    );
  });

  it('undefined values mean "absent" and never cause an issue', () => {
    fc.assert(
      fc.property(validParams, fc.uniqueArray(validKey, { maxLength: 10 }), (params, absentKeys) => {
        const withAbsent: Record<string, unknown> = { ...params };
        for (const key of absentKeys) if (!Object.hasOwn(withAbsent, key)) withAbsent[key] = undefined;
        expect(validateParams(withAbsent)).toStrictEqual({ ...params });
      }),
      RUNS,
    );
  });

  it('a restricted key, in any letter case and at any position, is refused as restricted_key, naming it and the set', () => {
    const cases = withViolations(
      fc.dictionary(validKey, smallValue, { maxKeys: 49 }),
      fc.tuple(restrictedKey, smallValue).map(([key, value]): Violation => ({ key, value, code: 'restricted_key' })),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(cases, ({ entries, violations }) => {
        const params = objectOf(entries);
        let message = '';
        try {
          validateParams(params);
        } catch (error) {
          message = (error as Error).message;
        }
        const issues = rejection(params);
        expect(issueSet(issues)).toStrictEqual(issueSet(violations));
        for (const { key } of violations) expect(message).toContain(`"${key}"`);
        expect(message).toContain(SPEC_RESTRICTED_KEYS.join(', '));
      }),
      RUNS,
    );
  });

  it('restricted keys, bad keys and bad values are all reported at once, each with its code, and nothing else', () => {
    const jsOnlyBadValue = fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      10n,
      () => 1,
      Symbol('s'),
      new Date(0),
      [1, 2],
      {},
      new Map([['a', 1]]),
      new Set([1]),
      Object.create(null) as object,
      new (class Point {
        x = 1;
      })(),
      new Number(1),
      new String('x'),
      new Boolean(true),
      /re/,
      new Uint8Array(2),
      new Error('e'),
      Promise.resolve(1),
    );
    const violation = fc.oneof(
      jsonViolation,
      fc.tuple(validKey, jsOnlyBadValue).map(([key, value]): Violation => ({ key, value, code: 'invalid_value' })),
    );
    fc.assert(
      fc.property(withViolations(smallValidParams, violation, { minLength: 1, maxLength: 6 }), ({ entries, violations }) => {
        // A raw `1e999` in JSON is what JSON.parse makes of it: Infinity.
        const params = objectOf(entries.map(([key, value]): Entry => [key, value instanceof RawJson ? Number(value.text) : value]));
        expect(issueSet(rejection(params))).toStrictEqual(issueSet(violations));
      }),
      RUNS,
    );
  });

  it('more than 50 keys is one too_many issue', () => {
    fc.assert(
      fc.property(tooManyKeys, (params) => {
        const issues = rejection(params);
        expect(issues.map(({ key, code }) => ({ key, code }))).toStrictEqual([{ key: '', code: 'too_many' }]);
        expect(issues[0]?.message).toContain(String(Object.keys(params).length));
      }),
      RUNS,
    );
  });

  it('more than 8 KiB of JSON is one too_large issue', () => {
    fc.assert(
      fc.property(tooManyBytes, (params) => {
        const issues = rejection(params);
        expect(issues.map(({ key, code }) => ({ key, code }))).toStrictEqual([{ key: '', code: 'too_large' }]);
      }),
      RUNS,
    );
  });

  it('nothing ever throws but AicadoError: arbitrary values, hostile objects and Proxies', () => {
    const throwing = () => {
      throw new Error('hostile');
    };
    const hostile = fc.constantFrom<() => unknown>(
      () => new Proxy({}, { ownKeys: throwing }),
      () => new Proxy({}, { getPrototypeOf: throwing }),
      () => new Proxy({ a: 1 }, { getOwnPropertyDescriptor: throwing }),
      () => new Proxy([], {}),
      () => Object.defineProperty({}, 'user_id', { get: throwing, enumerable: true }),
      () => Object.defineProperty({}, 'user_id', { value: 'x', enumerable: false }),
      () => ({ [Symbol('k')]: 1, ok: 'x' }),
      () => Object.freeze({ ok: 1, a_id: 2 }),
      () => Object.create({ inherited: 1 }) as object,
      function (this: unknown) {
        return arguments; // an arguments object: array-like, not a plain object
      },
      () => JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown,
    );
    const input = fc.oneof(
      fc.anything({
        withBigInt: true,
        withBoxedValues: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withNullPrototype: true,
        withObjectString: true,
        withSparseArray: true,
        withTypedArray: true,
        withUnicodeString: true,
      }),
      hostile.map((make) => make()),
      fc.dictionary(fc.oneof(validKey, restrictedKey), fc.anything(), { maxKeys: 60 }),
    );
    fc.assert(
      fc.property(input, (value) => {
        const check = checkParams(value); // must not throw
        let thrown: unknown;
        try {
          validateParams(value);
        } catch (error) {
          thrown = error;
        }
        if (check.ok) {
          expect(thrown).toBeUndefined();
          return;
        }
        expect(isAicadoError(thrown)).toBe(true);
        expect((thrown as { code: string }).code).toBe('invalid_params');
        expect(check.issues.length).toBeGreaterThan(0);
        for (const issue of check.issues) expect(ISSUE_CODES).toContain(issue.code);
      }),
      RUNS,
    );
  });
});
