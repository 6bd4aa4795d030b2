type ParamsRecord = Readonly<Record<string, unknown>>;

/**
 * The `setParams` patch that turns `previous` into `next`, compared by value: changed or added keys with
 * their new value, removed keys as `undefined`. Empty when nothing changed, so a new but equal object
 * literal on every render costs nothing.
 */
export function paramsPatch(previous: ParamsRecord | undefined, next: ParamsRecord | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next ?? {})) {
    if (value !== undefined && !Object.is(previous?.[key], value)) patch[key] = value;
  }
  for (const [key, value] of Object.entries(previous ?? {})) {
    if (value !== undefined && next?.[key] === undefined) patch[key] = undefined;
  }
  return patch;
}
