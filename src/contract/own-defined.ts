/**
 * The own enumerable properties of `value` that are not `undefined`, in an object without a prototype:
 * reading a missing key from it gives `undefined` even when a hostile page has set that key on
 * `Object.prototype`. Options and params are read through it.
 */
export function ownDefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const result = Object.create(null) as Record<string, unknown>;
  for (const [key, entry] of Object.entries(value)) if (entry !== undefined) result[key] = entry;
  return result as { [K in keyof T]?: Exclude<T[K], undefined> };
}
