import type * as z from 'zod/mini';

// What a flag of the backend is: how its text is read, what its absence means, how it meets an agents file.

/** How one occurrence of a flag's text becomes a value, and how a value is written back as it is typed. */
export interface Kind<T> {
  parse(text: string): T;
  format(value: T): string;
}

/** Any text gives a number (`abc` gives NaN), so a bad value is refused by the schema, which names the option. */
export const integer: Kind<number> = { parse: Number, format: String };
/** Like `integer`, for values that may have a fraction. */
export const decimal: Kind<number> = { parse: Number, format: String };
export const text: Kind<string> = { parse: (value) => value, format: (value) => value };
export const integers: Kind<number[]> = {
  parse: (value) =>
    value
      .split(',')
      .filter((part) => part.trim() !== '')
      .map(Number),
  format: (value) => value.join(','),
};

/**
 * What an absent flag means: a fixed value (`says` words it where the value would not), a fresh value per
 * agent, a value derived from the other options once resolved, or nothing (`says` tells what happens instead).
 */
export type FlagDefault<T> =
  | { value: T; says?: string }
  | { generate: () => T; says: string }
  | { derive: (resolved: Readonly<Record<string, unknown>>) => T; says: string }
  | { says: string };

/**
 * How a flag meets an agents file. `backend`: the backend's own setting, the same with or without a file.
 * `agent`: a setting of the agents the flags define; a file sets it per agent, so giving both is an error.
 * `fallback`: what an agent that names none gets, file agents included. `file`: names the file.
 */
export type Merge = 'backend' | 'agent' | 'fallback' | 'file';

interface FlagSpec<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>> {
  /** The command-line name, without `--`. */
  name: string;
  /** Older names still accepted; the current name wins when both are given. */
  aliases?: readonly string[];
  /** The value's placeholder in the usage text. */
  value: string;
  /** What the flag means, for the usage text. */
  help: string;
  /** What the schema allows, in words, for the error on a bad value: no regex, no option name. */
  allowed: string;
  /** Checks the option's value, from a flag or from code. */
  schema: S;
  default: D;
  merge: M;
}

export type Flag<
  S extends z.ZodMiniType = z.ZodMiniType,
  M extends Merge = Merge,
  D extends FlagDefault<z.output<S>> = FlagDefault<z.output<S>>,
> = FlagSpec<S, M, D> & {
  aliases: readonly string[];
  /** Repeatable flags are given once per item, and `kind` reads each item. */
  repeatable: boolean;
  kind: Kind<unknown>;
};

type Item<T> = T extends readonly (infer I)[] ? I : never;

export function flag<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>>(
  spec: FlagSpec<S, M, D> & { kind: Kind<z.output<S>> },
): Flag<S, M, D> {
  return { aliases: [], ...spec, repeatable: false, kind: spec.kind as Kind<unknown> };
}

export function repeatableFlag<S extends z.ZodMiniType, M extends Merge, D extends FlagDefault<z.output<S>>>(
  spec: FlagSpec<S, M, D> & { kind: Kind<Item<z.output<S>>> },
): Flag<S, M, D> {
  return { aliases: [], ...spec, repeatable: true, kind: spec.kind as Kind<unknown> };
}

/** A flag's default as the usage text shows it. */
export function describeDefault(entry: Flag): string {
  const given = entry.default;
  if (!('value' in given) || given.says !== undefined) return `default: ${given.says}`;
  const items = entry.repeatable ? (given.value as unknown[]) : [given.value];
  return `default ${items.map((item) => entry.kind.format(item)).join(', ')}`;
}
