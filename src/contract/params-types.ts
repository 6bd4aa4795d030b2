import type { ParamValue, RestrictedParamKey } from './params.js';

/** Refused exactly as written, like the runtime rule (`Constructor` is a fine key). */
type PrototypeKey = '__proto__' | 'constructor' | 'prototype';

/** Any object type whose values are param values; `undefined` means "absent". Interfaces qualify too. */
export type ParamsShape<P> = { [K in keyof P]: ParamValue | undefined };

/**
 * Compile-time mirror of the runtime rules: a restricted key in any letter case, a prototype key or a
 * non-string key maps to `never`, so passing it fails to compile at the offending property.
 */
export type CheckedParams<P> = {
  [K in keyof P]: K extends string ? (Lowercase<K> extends RestrictedParamKey ? never : K extends PrototypeKey ? never : P[K]) : never;
};

/** Params accepted for `P`: every key of `P` optional, as `setParams` merges. */
export type ParamsPatch<P> = { [K in keyof P]?: P[K] | undefined };
