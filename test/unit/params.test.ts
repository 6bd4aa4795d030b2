import { describe, expect, it } from 'vitest';
import { checkParams, validateParams, RESTRICTED_PARAM_KEYS } from '../../src/contract/params.js';
import { AicadoError, isAicadoError } from '../../src/contract/errors.js';

function issuesOf(input: unknown) {
  const result = checkParams(input);
  return result.ok ? [] : result.issues.map(({ key, code }) => ({ key, code }));
}

describe('params rules', () => {
  it('accepts every allowed value type and drops undefined', () => {
    expect(validateParams({ user_id: 'u_42', count: 3, ratio: -0.5, ok: true, no: false, none: null, gone: undefined })).toEqual({
      user_id: 'u_42',
      count: 3,
      ratio: -0.5,
      ok: true,
      no: false,
      none: null,
    });
    expect(validateParams(undefined)).toEqual({});
    expect(validateParams(Object.create(null))).toEqual({});
  });

  it.each(RESTRICTED_PARAM_KEYS.flatMap((key) => [key, key.toUpperCase(), key[0]!.toUpperCase() + key.slice(1)]))(
    'refuses the restricted key %s in any letter case',
    (key) => {
      expect(issuesOf({ [key]: 'x' })).toEqual([{ key, code: 'restricted_key' }]);
    },
  );

  it('reports every violation at once, naming each key and listing the restricted set', () => {
    let error: unknown;
    try {
      validateParams({ a_id: 1, MUSER: 'x', 'bad key': 1, ok: 'fine', nested: { a: 1 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AicadoError);
    expect(isAicadoError(error)).toBe(true);
    const aicado = error as AicadoError;
    expect(aicado.code).toBe('invalid_params');
    expect(aicado.issues.map((i) => [i.key, i.code])).toEqual([
      ['a_id', 'restricted_key'],
      ['MUSER', 'restricted_key'],
      ['bad key', 'invalid_key'],
      ['nested', 'invalid_value'],
    ]);
    for (const key of ['a_id', 'MUSER', 'bad key', 'nested']) expect(aicado.message).toContain(`"${key}"`);
    expect(aicado.message).toContain(RESTRICTED_PARAM_KEYS.join(', '));
  });

  it('refuses prototype keys and bad key shapes', () => {
    const proto = JSON.parse('{"__proto__": 1}') as object;
    expect(issuesOf(proto)).toEqual([{ key: '__proto__', code: 'invalid_key' }]);
    expect(issuesOf({ constructor: 'x', prototype: 'y' }).map((i) => i.code)).toEqual(['invalid_key', 'invalid_key']);
    for (const key of ['', '1abc', 'a b', 'é', 'a.b', 'x'.repeat(65)])
      expect(issuesOf({ [key]: 1 })).toEqual([{ key, code: 'invalid_key' }]);
    expect(issuesOf({ ['x'.repeat(64)]: 1, _a: 1, 'A-b_9': 1 })).toEqual([]);
  });

  it.each([
    ['nested object', { a: 1 }],
    ['array', [1]],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['bigint', 1n],
    ['function', () => 1],
    ['symbol', Symbol('s')],
    ['Date', new Date()],
    ['long string', 'x'.repeat(1001)],
  ])('refuses a %s value', (_label, value) => {
    expect(issuesOf({ key: value })).toEqual([{ key: 'key', code: 'invalid_value' }]);
  });

  it('enforces the key count and the JSON size', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    expect(issuesOf(many)).toEqual([{ key: '', code: 'too_many' }]);
    expect(issuesOf(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])))).toEqual([]);
    const large = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'é'.repeat(1000)]));
    expect(issuesOf(large)).toEqual([{ key: '', code: 'too_large' }]);
  });

  it('rejects non-plain objects and hostile objects without crashing or calling getters', () => {
    let called = false;
    const withGetter = Object.defineProperty({}, 'user_id', { get: () => ((called = true), 'x'), enumerable: true });
    const throwingProxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const throwingDescriptor = new Proxy(
      { a: 1 },
      {
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
      },
    );
    const throwingProto = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('boom');
        },
      },
    );
    class Custom {
      a = 1;
    }
    for (const input of [withGetter, throwingProxy, throwingDescriptor, throwingProto, new Custom(), new Map(), [], 'str', 42]) {
      const result = checkParams(input);
      expect(result.ok).toBe(false);
      expect(() => validateParams(input)).toThrow(AicadoError);
    }
    expect(called).toBe(false);
    expect(issuesOf({ [Symbol('s')]: 1 })).toEqual([{ key: 'Symbol(s)', code: 'invalid_key' }]);
  });
});

describe('keys a normaliser would read as restricted', () => {
  it.each([
    ['a-id', 'a_id'],
    ['uId', 'u_id'],
    ['oldId', 'old_id'],
    ['_at', 'at'],
    ['Muser_', 'muser'],
    ['OLD-ID', 'old_id'],
    ['a__id', 'a_id'],
  ])('refuses %s (it reads as %s) and says why', (key, reads) => {
    const result = checkParams({ [key]: 1, user_id: 'ok' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([{ key, code: 'restricted_key', message: expect.stringContaining(`it reads as "${reads}"`) }]);
  });

  it('still accepts near misses that read as other keys', () => {
    expect(checkParams({ userId: 1, at1: 2, sl2: 3, x_a_id: 4, oldid: 5, ts: 6, Sl_x: 7 }).ok).toBe(true);
  });
});
