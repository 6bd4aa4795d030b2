import { describe, expect, it, vi } from 'vitest';
import { checkParamKey, checkParams, validateParams } from '../../src/contract/params.js';

// A param named like a member of Object.prototype (`toString`, `valueOf`, …) is refused like `__proto__`,
// `constructor` and `prototype`: no object type can declare it as a param, and code that reads params
// as a plain object would find the member there.
const MEMBER_NAMES = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
// An own property for every name, `__proto__` included (as JSON.parse makes it).
const paramsWith = (name: string) => JSON.parse(JSON.stringify({ [`${name}$`]: 'x' }).replace('$', '')) as object;

describe('param names of Object.prototype', () => {
  it.each(MEMBER_NAMES)('refuses %s with the message of the prototype keys', (name) => {
    const result = checkParams(paramsWith(name));
    expect(result.ok).toBe(false);
    const expected = checkParamKey('constructor')!.message.replace('"constructor"', `"${name}"`);
    expect(result.ok ? [] : result.issues).toEqual([{ key: name, code: 'invalid_key', message: expected }]);
    expect(() => validateParams(paramsWith(name))).toThrow(expected);
  });

  it('names toString, valueOf and hasOwnProperty among the refused keys', () => {
    const message = checkParamKey('toString')?.message;
    expect(message).toMatch(/^"toString" is not allowed as a key \(.* are refused\)$/);
    for (const name of ['valueOf', 'hasOwnProperty', '__proto__', 'constructor', 'prototype']) expect(message).toContain(name);
  });

  it('still accepts near names (ToString, value_of, hasOwnProperty_)', () => {
    expect(checkParams({ ToString: 'a', value_of: 1, hasOwnProperty_: true })).toEqual({
      ok: true,
      params: { ToString: 'a', value_of: 1, hasOwnProperty_: true },
    });
  });

  it('does not refuse a name a page added to Object.prototype before the SDK loaded', async () => {
    vi.resetModules();
    const prototype = Object.prototype as Record<string, unknown>;
    prototype.polluted_plan = 'x';
    let fresh: typeof import('../../src/contract/params.js');
    try {
      fresh = await import('../../src/contract/params.js');
    } finally {
      delete prototype.polluted_plan;
    }
    expect(fresh.checkParams({ polluted_plan: 'pro' })).toEqual({ ok: true, params: { polluted_plan: 'pro' } });
    expect(fresh.checkParamKey('toString')?.code).toBe('invalid_key');
  });
});
