import { AicadoError } from '../../contract/errors.js';

/**
 * Every option an attribute can carry, in camelCase: `data-api-base` on the script tag (`dataset.apiBase`),
 * `api-base` on `<aicado-agent>`. `params` is JSON; the theme's three make `theme`.
 */
export const ATTRIBUTE_OPTIONS = [
  'agentId',
  'apiBase',
  'params',
  'signedParams',
  'mode',
  'container',
  'title',
  'greeting',
  'placeholder',
  'locale',
  'storage',
  'accent',
  'position',
  'colorScheme',
  'suggestions',
  'launcher',
  'agentName',
  'avatarUrl',
  'logLevel',
  'handoff',
];

/** `launcher="none"` hides the launcher; any other value goes on as written, for the options check to name. */
const launcherOption = (value: string | undefined): unknown => (value === 'none' ? false : value);

/** A JSON attribute (`params`, `suggestions`), or an error saying how to write it. */
function json(text: string | undefined, attribute: string, example: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    const params = attribute.endsWith('params');
    throw new AicadoError(
      params ? 'invalid_params' : 'invalid_options',
      `Invalid ${params ? 'params' : 'init() options'}: ${attribute} is not valid JSON (got ${JSON.stringify(text.slice(0, 80))}); write it like ${attribute}='${example}'`,
    );
  }
}

/**
 * Reads `init()` options through `read` (an option's camelCase name → its attribute's value);
 * `paramsAttribute` names the params attribute in the error thrown when it is not JSON.
 */
export function optionsFromAttributes(read: (name: string) => string | undefined, paramsAttribute: string): Record<string, unknown> {
  // An empty attribute (what a site builder writes for a field left blank) counts as absent.
  const { accent, position, colorScheme, ...options }: Record<string, unknown> = Object.fromEntries(
    ATTRIBUTE_OPTIONS.map((name) => [name, read(name) || undefined]),
  );
  if (accent || position || colorScheme) options.theme = { accent, position, colorScheme };
  options.params = json(options.params as string | undefined, paramsAttribute, '{"user_id":"u_42"}');
  // JSON too: `data-handoff="true"`, or its texts as an object.
  for (const [name, example] of [
    ['suggestions', '["Where is my order?"]'],
    ['handoff', 'true'],
  ] as const)
    options[name] = json(options[name] as string | undefined, paramsAttribute.replace('params', name), example);
  options.launcher = launcherOption(options.launcher as string | undefined);
  return options;
}

/** Reads `init()` options from the script tag's data attributes (the install with no inline script). */
export function optionsFromScript(script: HTMLScriptElement): Record<string, unknown> | undefined {
  if (!script.dataset.agentId) return undefined;
  return { ...optionsFromAttributes((name) => script.dataset[name], 'data-params'), nonce: script.nonce || undefined };
}
