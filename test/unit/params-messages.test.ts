// Each refused value is named the way a developer would say it ("an object", "a Date"), never
// as the constructor's bare name in parentheses ("an object (a Object)").
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../src/contract/params.js';

class Basket {}

describe('the message of a refused object value', () => {
  it.each([
    ['a plain object', { id: 1 }, 'has an object'],
    ['an object without prototype', Object.create(null) as object, 'has an object'],
    ['an array', [1, 2], 'has an array'],
    ['a Date', new Date(0), 'has a Date'],
    ['a Map', new Map(), 'has a Map'],
    ['a class instance', new Basket(), 'has a Basket'],
  ])('%s', (_name, value, expected) => {
    const check = checkParams({ user: value });
    const issues = check.ok ? [] : check.issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain(`"user" ${expected};`);
    expect(issues[0]!.message).not.toMatch(/\(an? \w+\)/);
  });
});
