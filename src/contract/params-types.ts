import type { ParamValue, RestrictedParamKey } from './params.js';

/** Refused exactly as written, like the runtime rule (`Constructor` is a fine key). */
type PrototypeKey = '__proto__' | 'constructor' | 'prototype';

/** Any object type whose values are param values; `undefined` means "absent". Interfaces qualify too. */
export type ParamsShape<P> = { [K in keyof P]: ParamValue | undefined };

/**
 * Compile-time mirror of the runtime rules: a restricted key in any letter case, a prototype key or a
 * non-string key fails to compile at the offending property. Such a key's value must have a type no
 * value has, an object whose one property name says why; the compiler's error quotes it
 * (`Type 'number' is not assignable to type '{ readonly "\"at\" is restricted by Aicado: …": never; }'`).
 */
export type CheckedParams<P> = {
  [K in keyof P]: K extends string
    ? Lowercase<K> extends RestrictedParamKey
      ? { readonly [why in RestrictedKeyMessage<K>]: never }
      : K extends PrototypeKey
        ? { readonly [why in `"${K}" is not allowed as a param key`]: never }
        : P[K]
    : never;
};

/** Written inline as `{ readonly [why in RestrictedKeyMessage<K>]: never }`: an alias would hide the text. */
type RestrictedKeyMessage<K extends string> =
  `"${K}" is restricted by Aicado: a_id, at, old_id, s, t, audi, sl, raid, u_id, muser are refused in any letter case`;

/** Every letter case of `S`: `at` gives `at | At | aT | AT`. */
type AnyCase<S extends string> = S extends `${infer Head}${infer Rest}` ? `${Lowercase<Head> | Uppercase<Head>}${AnyCase<Rest>}` : S;

/**
 * The restricted keys `T` lacks, as optional properties no value fits. With a declared `P`, a patch holding
 * one fails `T extends ParamsPatch<P>`, so `T` falls back to `ParamsPatch<P>`: without these the compiler
 * could only say the key "does not exist", not which rule refuses it.
 */
type RestrictedKeys<T> = {
  readonly [K in Exclude<AnyCase<RestrictedParamKey>, keyof T>]?: { readonly [why in RestrictedKeyMessage<K>]: never };
};

/** Params accepted for `P`: every key of `P` optional, as `setParams` merges. */
export type ParamsPatch<P> = { [K in keyof P]?: P[K] | undefined };

/**
 * What `setParams` / `identify` accept as `T` for a handle of `P`: with a declared `P`, only its keys and
 * value types; with the default wide params, any valid key. Restricted keys never.
 */
export type CheckedPatch<P, T> = T &
  CheckedParams<T> &
  RestrictedKeys<T> &
  (string extends keyof P
    ? unknown
    : { [K in Exclude<keyof T, keyof P>]: { readonly [why in `"${K & string}" is not one of the declared params`]: never } });
