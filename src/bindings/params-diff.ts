type ParamsRecord = Readonly<Record<string, unknown>>;

/**
 * The `setParams` patch that turns `previous` into `next`, compared by value: changed or added keys with
 * their new value, removed keys as `undefined`. Empty when nothing changed, so a new but equal object
 * literal on every render costs nothing.
 */
export function paramsPatch(previous: ParamsRecord | undefined, next: ParamsRecord | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next ?? {})) {
    if (value !== undefined && !Object.is(own(previous, key), value)) patch[key] = value;
  }
  for (const [key, value] of Object.entries(previous ?? {})) {
    if (value !== undefined && own(next, key) === undefined) patch[key] = undefined;
  }
  return patch;
}

/** A key's own value: `toString` or `valueOf` are valid param keys, not the prototype's methods. */
function own(record: ParamsRecord | undefined, key: string): unknown {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
