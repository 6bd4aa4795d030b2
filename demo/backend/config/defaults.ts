import { FLAG_ENTRIES, type FlagValues, type KeysDefaulted } from './flags.js';

/** The fixed defaults, frozen: a flag whose default is generated or derived has none here. */
export const DEFAULTS = Object.freeze(
  Object.fromEntries(
    FLAG_ENTRIES.flatMap(([key, entry]) =>
      'value' in entry.default
        ? [[key, Array.isArray(entry.default.value) ? Object.freeze([...entry.default.value]) : entry.default.value]]
        : [],
    ),
  ),
) as { readonly [K in KeysDefaulted<{ value: unknown }>]: FlagValues[K] };

/** The given options over the fixed defaults, then the defaults derived from those. */
export function withDefaults<Given extends Partial<FlagValues>>(
  given: Given,
): Given & Pick<FlagValues, KeysDefaulted<{ value: unknown } | { derive: unknown }>> {
  const resolved: Record<string, unknown> = { ...DEFAULTS, ...given };
  for (const [key, entry] of FLAG_ENTRIES) {
    if (resolved[key] === undefined && 'derive' in entry.default) resolved[key] = entry.default.derive(resolved);
  }
  return resolved as Given & Pick<FlagValues, KeysDefaulted<{ value: unknown } | { derive: unknown }>>;
}
