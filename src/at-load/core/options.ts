import { AGENT_ID_PATTERN } from '../../contract/protocol.js';
import { AicadoError } from '../../contract/errors.js';
import { ownDefined } from '../../contract/own-defined.js';
import { directionOf } from '../../i18n/direction.js';
import { builtInLocale, languageOf, launcherStringsFor, type WidgetStrings } from '../../i18n/strings.js';
import type { StorageKind } from './storage.js';

export interface ThemeOptions {
  /** Accent colour (any CSS colour); also settable from the host's CSS as `--aicado-accent`. */
  accent?: string;
  /**
   * Where the launcher sits: `bottom-end` (default) is the right in left-to-right languages and the left in
   * right-to-left ones, `bottom-start` the other side; `bottom-right` and `bottom-left` never mirror.
   * Several launchers in one corner stack upwards.
   */
  position?: 'bottom-end' | 'bottom-start' | 'bottom-right' | 'bottom-left';
  colorScheme?: 'light' | 'dark' | 'auto';
}

/** Options of `init()` other than `params`, whose type is generic. */
export interface BaseInitOptions {
  agentId: string;
  /** Base URL of the Aicado API. */
  apiBase?: string;
  /** A token signed by the host's server with `signParams` (trusted params). */
  signedParams?: string;
  mode?: 'bubble' | 'inline';
  /** Where the inline widget goes: a CSS selector or an element. */
  container?: string | HTMLElement;
  title?: string;
  greeting?: string;
  placeholder?: string;
  theme?: ThemeOptions;
  locale?: string;
  strings?: Partial<WidgetStrings>;
  storage?: StorageKind;
  /** Nonce for the widget's `<style>` where constructable stylesheets are unavailable. */
  nonce?: string;
  /** Open the bubble panel right away. */
  open?: boolean;
  /** What the API learns of the page: `pageUrl: 'path'` (default) sends origin and path, `'full'` also the query and fragment. */
  context?: { pageUrl?: 'path' | 'full' };
  /** Starter prompts shown before the first message: at most 4, each at most 120 characters; a click sends one. */
  suggestions?: string[];
  /** `false` hides the built-in launcher: the page's own button calls `open()` or `toggle()`. */
  launcher?: boolean;
  /** The agent's name, shown with its messages and said to screen readers. */
  agentName?: string;
  /** The agent's picture (https), decorative. */
  avatarUrl?: string;
  /** Where the `aicado:<event>` DOM events are dispatched (they bubble to `document`); default: the widget's element. */
  eventTarget?: EventTarget;
  /**
   * A "Talk to a person" action in the panel (`true`, or its texts); default off. `message` is shown once
   * the conversation has been handed over. `agent.requestHandoff()` works either way.
   */
  handoff?: boolean | { label?: string; message?: string };
  /** `'silent'` keeps the `[aicado]` console line each final failure otherwise gets (default `'error'`). */
  logLevel?: 'error' | 'silent';
}

/** Starter prompts: at most this many, each at most this long. */
const MAX_SUGGESTIONS = 4;
const MAX_SUGGESTION_LENGTH = 120;

export const DEFAULT_API_BASE = 'https://api.aicado.ai';

const DEFAULTS = {
  apiBase: DEFAULT_API_BASE,
  mode: 'bubble',
  storage: 'local',
  open: false,
  launcher: true,
} as const;

type Check = (value: unknown) => boolean;
/** An option's check and, for the error message, what is allowed. */
type Rule = [check: Check, allowed: string];
const isString: Check = (value) => typeof value === 'string';
const isText: Check = (value) => isString(value) && /\S/.test(value as string);
const isObject: Check = (value) => typeof value === 'object' && value !== null;
const isRecord: Check = (value) => isObject(value) && !Array.isArray(value);
const matches =
  (pattern: RegExp): Check =>
  (value) =>
    isString(value) && pattern.test(value as string);
/** One of `allowed`, said as `'a', 'b' or 'c'`. */
const oneOf = (...allowed: string[]): Rule => [
  (value) => allowed.includes(value as string),
  allowed
    .map((value) => `'${value}'`)
    .join(', ')
    .replace(/, (?=[^,]*$)/, ' or '),
];
const STRING: Rule = [isString, 'a string'];
const BOOLEAN: Rule = [(value) => typeof value === 'boolean', 'true or false'];
const RECORD: Rule = [isRecord, 'an object'];
/** An object whose values are all strings (`strings`, `handoff`'s texts; an empty one means the default). */
const isTexts: Check = (value) => isObject(value) && Object.values(value as object).every(isString);

/**
 * Each option's rule; `theme.accent` is `accent` inside `theme`. Written by hand rather than with zod:
 * these checks are all the options need, and every byte here is paid by every host page.
 */
const RULES: Record<string, Rule> = {
  agentId: [matches(AGENT_ID_PATTERN), '1-64 letters, digits, _ or -'],
  apiBase: [matches(/^https?:\/\/\S+$/), 'an http(s) URL'],
  signedParams: [isString, 'a token string from signParams()'],
  mode: oneOf('bubble', 'inline'),
  container: [(v) => isString(v) || (isObject(v) && 'appendChild' in (v as object)), 'a CSS selector or an element'],
  title: STRING,
  greeting: STRING,
  placeholder: STRING,
  locale: [isString, "a BCP 47 locale such as 'en', 'tr' or 'ar'"],
  storage: oneOf('local', 'session', 'memory'),
  nonce: STRING,
  open: BOOLEAN,
  context: RECORD,
  'context.pageUrl': oneOf('path', 'full'),
  theme: RECORD,
  'theme.accent': [isString, 'a CSS colour'],
  'theme.position': oneOf('bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'),
  'theme.colorScheme': oneOf('light', 'dark', 'auto'),
  strings: [isTexts, 'an object of strings'],
  suggestions: [
    (v) => Array.isArray(v) && v.length <= MAX_SUGGESTIONS && v.every((s) => isText(s) && s.length <= MAX_SUGGESTION_LENGTH),
    `at most ${MAX_SUGGESTIONS} non-empty strings of at most ${MAX_SUGGESTION_LENGTH} characters`,
  ],
  launcher: BOOLEAN,
  agentName: [isText, 'a non-empty string'],
  avatarUrl: [matches(/^https:\/\/\S+$/i), 'an https URL'],
  eventTarget: [(v) => isObject(v) && 'dispatchEvent' in (v as object), 'an EventTarget, such as an element'],
  logLevel: oneOf('error', 'silent'),
  handoff: [(v) => typeof v === 'boolean' || isTexts(v), 'true, false or { label, message } (strings)'],
};

export interface NormalizedOptions {
  agentId: string;
  apiBase: string;
  signedParams?: string | undefined;
  mode: 'bubble' | 'inline';
  container?: string | HTMLElement | undefined;
  /** `side`: the screen side of the launcher, from `position` and the direction. */
  theme: Required<Omit<ThemeOptions, 'accent'>> & { accent: string | undefined; side: 'left' | 'right' };
  locale: string;
  /** The language the widget's text is in (its `lang`), and that language's direction. */
  lang: string;
  dir: 'ltr' | 'rtl';
  /**
   * At load, the launcher's texts in the locale and the page's own; the panel completes the locale's
   * table when it arrives (completeStrings), before anything reads the rest.
   */
  strings: WidgetStrings;
  /** The page's own texts, kept to stay on top when the panel completes `strings`. */
  stringOverrides: Partial<WidgetStrings>;
  /** The built-in table for `locale` (`tr-TR` → `tr`, `en` when there is none). */
  builtInLocale: string;
  storage: StorageKind;
  nonce?: string | undefined;
  open: boolean;
  context: { pageUrl: 'path' | 'full' };
  suggestions: readonly string[];
  launcher: boolean;
  agentName?: string | undefined;
  avatarUrl?: string | undefined;
  eventTarget?: EventTarget | undefined;
  /** `error` or unset: each final failure is one `[aicado]` line in the console; `silent`: none. */
  logLevel?: 'error' | 'silent' | undefined;
  handoff?: BaseInitOptions['handoff'] | undefined;
}

/** Applies defaults and checks every option in one place; downstream code only sees the normalised shape. */
export function normalizeOptions(input: unknown, browserLocale: string): NormalizedOptions {
  if (typeof input !== 'object' || input === null) {
    throw new AicadoError('invalid_options', 'init() needs an options object, e.g. init({ agentId: "demo" })');
  }
  // Own properties only, in prototype-free objects: a key a hostile page set on Object.prototype
  // (`signedParams`, `locale`, …) is never read as an option.
  const options = Object.assign(Object.create(null), DEFAULTS, ownDefined(input)) as Record<string, unknown>;
  for (const key of ['theme', 'strings', 'context', 'handoff'])
    if (isObject(options[key])) options[key] = ownDefined(options[key] as object);
  const problems: string[] = [];
  if (options.agentId === undefined) problems.push('agentId is required, e.g. init({ agentId: "demo" })');
  for (const [path, [check, allowed]] of Object.entries(RULES)) {
    const [key, inner] = path.split('.') as [string, string?];
    const outer = options[key];
    const value = inner ? (isObject(outer) ? (outer as Record<string, unknown>)[inner] : undefined) : outer;
    if (value !== undefined && !check(value)) problems.push(`${path} is invalid (got ${describe(value)}); allowed: ${allowed}`);
  }
  if (options.mode === 'inline' && !options.container) problems.push("mode 'inline' needs a container (a CSS selector or an element)");
  if (!passed(options, problems)) throw new AicadoError('invalid_options', `Invalid init() options: ${problems.join('; ')}`);
  return normalized(options, browserLocale);
}

/** Options in which every rule found nothing wrong have the shape the rules describe. */
const passed = (_options: object, problems: string[]): _options is BaseInitOptions & typeof DEFAULTS => problems.length === 0;

/** The normalised shape of options that passed every check. */
function normalized(options: BaseInitOptions & typeof DEFAULTS, browserLocale: string): NormalizedOptions {
  const locale = options.locale ?? browserLocale;
  // The page's own texts; `strings` wins over the options that name one text.
  const { title, greeting, placeholder, agentName: agent } = options;
  const stringOverrides: Partial<WidgetStrings> = ownDefined({ title, greeting, placeholder, agent, ...options.strings });
  // Typed whole for the panel, which reads it only once it has completed it.
  const strings = { ...launcherStringsFor(locale), ...stringOverrides } as WidgetStrings;
  // The widget speaks the locale when it has strings for it, built in or given; English otherwise.
  const builtIn = builtInLocale(locale);
  const lang = builtIn === languageOf(locale) || options.strings ? locale : 'en';
  const dir = directionOf(lang);
  const position = options.theme?.position ?? 'bottom-end';
  // The logical positions mirror with the direction; the physical ones never do.
  const end = position === 'bottom-end' || position === 'bottom-right';
  const logical = position === 'bottom-end' || position === 'bottom-start';
  const side: 'left' | 'right' = end !== (logical && dir === 'rtl') ? 'right' : 'left';
  // The options as checked (own, defined, in a prototype-free object: an option left unset reads as
  // undefined even where a hostile page set it on Object.prototype), with what is computed from them.
  return Object.assign(options, {
    apiBase: options.apiBase.replace(/\/+$/, ''),
    theme: {
      accent: options.theme?.accent,
      position,
      colorScheme: options.theme?.colorScheme ?? 'auto',
      side,
    },
    locale,
    lang,
    dir,
    strings,
    stringOverrides,
    builtInLocale: builtIn,
    context: { pageUrl: options.context?.pageUrl ?? 'path' },
    suggestions: [...(options.suggestions ?? [])],
  });
}

/** A value as the error names it (never undefined: unset options are not checked). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 60));
  return value && typeof value === 'object' ? (Array.isArray(value) ? 'an array' : 'an object') : String(value);
}
