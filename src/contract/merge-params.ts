import { invalidParamsError, validateParams, type Params } from './params.js';

/** `setParams` semantics: merge `patch` into `current`, a key set to undefined is removed; all validated. */
export function mergeParams(current: Params, patch: unknown): Params {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw invalidParamsError([{ key: '', code: 'invalid_value', message: 'setParams() needs a plain object of params' }]);
  }
  const present = validateParams(patch);
  const next: Record<string, unknown> = { ...current, ...present };
  for (const key of Object.keys(patch)) if (!Object.hasOwn(present, key)) delete next[key];
  return validateParams(next);
}
