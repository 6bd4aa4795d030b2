import type { InitOptions } from '../sdk/handle.js';
import { AicadoError } from '../contract/errors.js';

/** Reads `init()` options from the script tag's data attributes (the install with no inline script). */
export function optionsFromScript(script: HTMLScriptElement): InitOptions | undefined {
  const data = script.dataset;
  if (!data.agentId) return undefined;
  let params: unknown;
  if (data.params) {
    try {
      params = JSON.parse(data.params);
    } catch {
      throw new AicadoError('invalid_params', `Invalid params: data-params is not valid JSON (got ${JSON.stringify(data.params.slice(0, 80))}); write it like data-params='{"user_id":"u_42"}'`);
    }
  }
  const theme = {
    ...(data.accent ? { accent: data.accent } : {}),
    ...(data.position ? { position: data.position as 'bottom-right' } : {}),
    ...(data.colorScheme ? { colorScheme: data.colorScheme as 'auto' } : {}),
  };
  const options: Record<string, unknown> = {
    agentId: data.agentId,
    apiBase: data.apiBase,
    params,
    signedParams: data.signedParams,
    mode: data.mode,
    container: data.container,
    title: data.title,
    greeting: data.greeting,
    placeholder: data.placeholder,
    locale: data.locale,
    storage: data.storage,
    nonce: script.nonce || undefined,
    theme: Object.keys(theme).length ? theme : undefined,
  };
  return options as unknown as InitOptions;
}
