import { AicadoError, type ParamIssue } from './errors.js';

export type { ParamIssue, ParamIssueCode } from './errors.js';

/** Keys Aicado reserves for itself; refused in any letter case. */
export const RESTRICTED_PARAM_KEYS = Object.freeze(['a_id', 'at', 'old_id', 's', 't', 'audi', 'sl', 'raid', 'u_id', 'muser'] as const);

/**
 * Keys that would reach an object's prototype machinery, refused as they are: `prototype` and the names of
 * Object.prototype's own members (`__proto__`, `constructor`, `toString`, …), which no object type can
 * declare as params. Read from Object.prototype itself, leaving out what a page added to it (enumerable).
 */
export const PROTOTYPE_KEYS: readonly string[] = [
  ...Object.getOwnPropertyNames(Object.prototype).filter((key) => !Object.keys(Object.prototype).includes(key)),
  'prototype',
];

export const PARAM_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const PARAMS_LIMITS = Object.freeze({
  maxKeys: 50,
  maxKeyLength: 64,
  maxStringLength: 1000,
  maxJsonBytes: 8192,
});

export type RestrictedParamKey = (typeof RESTRICTED_PARAM_KEYS)[number];
export type ParamValue = string | number | boolean | null;
export type Params = Record<string, ParamValue>;

export type ParamsCheck = { ok: true; params: Params } | { ok: false; issues: ParamIssue[] };

const restricted = new Set<string>(RESTRICTED_PARAM_KEYS);
const prototypeKeys = new Set<string>(PROTOTYPE_KEYS);
const encoder = new TextEncoder();

/**
 * Checks a params object against every rule and reports all violations at once.
 * Never throws: hostile objects (Proxies, throwing getters) become issues, and getters are never called.
 */
export function checkParams(input: unknown): ParamsCheck {
  const whole = (message: string): ParamsCheck => ({ ok: false, issues: [{ key: '', code: 'invalid_value', message }] });
  if (input === undefined || input === null) return { ok: true, params: {} };
  if (typeof input !== 'object') return whole(`params must be a plain object, got ${typeof input}`);

  let keys: (string | symbol)[];
  try {
    if (Array.isArray(input)) return whole('params must be a plain object, got an array');
    const proto: unknown = Object.getPrototypeOf(input);
    if (proto !== Object.prototype && proto !== null) {
      return whole(`params must be a plain object, got ${describeClass(input)}`);
    }
    keys = Reflect.ownKeys(input);
  } catch {
    return whole('params could not be read (the object threw when inspected)');
  }

  const issues: ParamIssue[] = [];
  // No prototype: a setter a hostile page put on Object.prototype cannot swallow a key, nor a getter add one.
  const params = Object.create(null) as Params;
  let count = 0;
  for (const rawKey of keys) {
    if (typeof rawKey === 'symbol') {
      issues.push({ key: String(rawKey), code: 'invalid_key', message: `${String(rawKey)}: symbol keys are not allowed` });
      continue;
    }
    const key = rawKey;
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Object.getOwnPropertyDescriptor(input, key);
    } catch {
      issues.push({ key, code: 'invalid_value', message: `"${key}" could not be read (the object threw)` });
      continue;
    }
    if (!descriptor) continue;
    if (!('value' in descriptor)) {
      issues.push({ key, code: 'invalid_value', message: `"${key}" is a getter or setter; only plain data properties are allowed` });
      continue;
    }
    if (descriptor.value === undefined) continue; // undefined means "absent"
    const keyIssue = checkParamKey(key);
    if (keyIssue) issues.push(keyIssue);
    const valueIssue = checkValue(key, descriptor.value);
    if (valueIssue) issues.push(valueIssue);
    if (!descriptor.enumerable && !keyIssue && !valueIssue) {
      issues.push({ key, code: 'invalid_value', message: `"${key}" is not enumerable; only plain data properties are allowed` });
      continue;
    }
    count++;
    if (!keyIssue && !valueIssue) params[key] = descriptor.value as ParamValue;
  }

  if (count > PARAMS_LIMITS.maxKeys) {
    issues.push({ key: '', code: 'too_many', message: `params has ${count} keys; at most ${PARAMS_LIMITS.maxKeys} are allowed` });
  }
  const bytes = encoder.encode(JSON.stringify(params)).length;
  if (bytes > PARAMS_LIMITS.maxJsonBytes) {
    issues.push({
      key: '',
      code: 'too_large',
      message: `params serialise to ${bytes} bytes of JSON; at most ${PARAMS_LIMITS.maxJsonBytes} bytes are allowed`,
    });
  }
  // Spread copies own data properties without calling setters, into an ordinary object for callers.
  return issues.length ? { ok: false, issues } : { ok: true, params: { ...params } };
}

/** Returns a clean copy of valid params, or throws one AicadoError (`invalid_params`) listing every issue. */
export function validateParams(input: unknown): Params {
  const result = checkParams(input);
  if (!result.ok) throw invalidParamsError(result.issues);
  return result.params;
}

/** The error for a list of issues; its message names each offending key. */
export function invalidParamsError(issues: readonly ParamIssue[]): AicadoError {
  const lines = issues.map((issue) => issue.message);
  return new AicadoError('invalid_params', `Invalid params: ${lines.join('; ')}`, { issues });
}

/**
 * The key as a snake-case normaliser reads it: `uId` → `u_id`, `a-id` → `a_id`, `_at` → `at`. Aicado does
 * not document how it normalises keys, so a key that any such reading maps onto a restricted one is refused.
 */
export function normalizeParamKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-_]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** True when Aicado refuses `key`: a restricted key in any letter case, or one that normalises to it. */
export const isRestrictedParamKey = (key: string): boolean => restricted.has(key.toLowerCase()) || restricted.has(normalizeParamKey(key));

/** The issue with `key` as a param name (restricted, a prototype key, or malformed), or undefined when it is fine. */
export function checkParamKey(key: string): ParamIssue | undefined {
  if (isRestrictedParamKey(key)) {
    const reads = restricted.has(key.toLowerCase()) ? '' : `it reads as "${normalizeParamKey(key)}"; `;
    return {
      key,
      code: 'restricted_key',
      message: `"${key}" is restricted by Aicado (${reads}refused in any letter case or spelling: ${RESTRICTED_PARAM_KEYS.join(', ')})`,
    };
  }
  if (prototypeKeys.has(key)) {
    return { key, code: 'invalid_key', message: `"${key}" is not allowed as a key (${PROTOTYPE_KEYS.join(', ')} are refused)` };
  }
  if (key.length > PARAMS_LIMITS.maxKeyLength || !PARAM_KEY_PATTERN.test(key)) {
    return {
      key,
      code: 'invalid_key',
      message: `"${truncate(key)}" is not a valid key: use 1-${PARAMS_LIMITS.maxKeyLength} characters, a letter or _ first, then letters, digits, _ or -`,
    };
  }
  return undefined;
}

function checkValue(key: string, value: unknown): ParamIssue | undefined {
  const bad = (what: string): ParamIssue => ({
    key,
    code: 'invalid_value',
    message: `"${truncate(key)}" has ${what}; allowed values are a string of at most ${PARAMS_LIMITS.maxStringLength} characters, a finite number, true, false or null`,
  });
  switch (typeof value) {
    case 'string':
      return value.length > PARAMS_LIMITS.maxStringLength ? bad(`a string of ${value.length} characters`) : undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : bad(`the number ${value}`);
    case 'boolean':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      return bad(Array.isArray(value) ? 'an array' : describeClass(value));
    default:
      return bad(`a ${typeof value}`);
  }
}

/** An object as a developer would name it: "an object", "a Date", "a Basket". */
function describeClass(value: object): string {
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    // A plain object (of any realm) or one with no prototype is just "an object"; a class says its name.
    return name === 'Object' || !name ? 'an object' : `a ${name}`;
  } catch {
    return 'an object with a custom prototype';
  }
}

function truncate(key: string): string {
  return key.length > 80 ? `${key.slice(0, 77)}...` : key;
}
