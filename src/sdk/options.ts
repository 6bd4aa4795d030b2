import { AGENT_ID_PATTERN } from '../contract/protocol.js';
import { AicadoError } from '../contract/errors.js';
import { ownDefined } from '../contract/own-defined.js';
import { directionOf } from '../i18n/direction.js';
import { builtInLocale, languageOf, launcherStringsFor, type WidgetStrings } from '../i18n/strings.js';
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
}

/** Starter prompts: at most this many, each at most this long. */
const MAX_SUGGESTIONS = 4;
const MAX_SUGGESTION_LENGTH = 120;

export const DEFAULT_API_BASE = 'https://api.aicado.ai';

const DEFAULTS = Object.freeze({
  apiBase: DEFAULT_API_BASE,
  mode: 'bubble',
  storage: 'local',
  open: false,
  launcher: true,
} as const);

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === 'string';
const isText: Check = (value) => isString(value) && /\S/.test(value as string);
const isBoolean: Check = (value) => typeof value === 'boolean';
const oneOf = (...allowed: string[]): Check => (value) => allowed.includes(value as string);

/**
 * Each option's check and, for the error message, what is allowed. Written by hand rather than with
 * zod: these checks are all the options need, and every byte here is paid by every host page.
 */
const RULES: Record<string, [check: Check, allowed: string]> = {
  agentId: [(v) => isString(v) && AGENT_ID_PATTERN.test(v as string), '1-64 letters, digits, _ or -'],
  apiBase: [(v) => isString(v) && /^https?:\/\/\S+$/.test(v as string), 'an http(s) URL'],
  signedParams: [isString, 'a token string from signParams()'],
  mode: [oneOf('bubble', 'inline'), "'bubble' or 'inline'"],
  container: [(v) => isString(v) || (typeof v === 'object' && v !== null && 'appendChild' in v), 'a CSS selector or an element'],
  title: [isString, 'a string'],
  greeting: [isString, 'a string'],
  placeholder: [isString, 'a string'],
  locale: [isString, "a BCP 47 locale such as 'en', 'tr' or 'ar'"],
  storage: [oneOf('local', 'session', 'memory'), "'local', 'session' or 'memory'"],
  nonce: [isString, 'a string'],
  open: [isBoolean, 'true or false'],
  context: [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'],
  'context.pageUrl': [oneOf('path', 'full'), "'path' or 'full'"],
  theme: [(v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object'],
  'theme.accent': [isString, 'a CSS colour'],
  'theme.position': [oneOf('bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'), "'bottom-end', 'bottom-start', 'bottom-right' or 'bottom-left'"],
  'theme.colorScheme': [oneOf('light', 'dark', 'auto'), "'light', 'dark' or 'auto'"],
  strings: [(v) => typeof v === 'object' && v !== null && Object.values(v).every(isString), 'an object of strings'],
  suggestions: [
    (v) => Array.isArray(v) && v.length <= MAX_SUGGESTIONS && v.every((s) => isText(s) && s.length <= MAX_SUGGESTION_LENGTH),
    `at most ${MAX_SUGGESTIONS} non-empty strings of at most ${MAX_SUGGESTION_LENGTH} characters`,
  ],
  launcher: [isBoolean, 'true or false'],
  agentName: [isText, 'a non-empty string'],
  avatarUrl: [(v) => isString(v) && /^https:\/\/\S+$/i.test(v as string), 'an https URL'],
  eventTarget: [(v) => typeof v === 'object' && v !== null && 'dispatchEvent' in v, 'an EventTarget, such as an element'],
};

export interface NormalizedOptions {
  agentId: string;
  apiBase: string;
  signedParams: string | undefined;
  mode: 'bubble' | 'inline';
  container: string | HTMLElement | undefined;
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
  nonce: string | undefined;
  open: boolean;
  context: { pageUrl: 'path' | 'full' };
  suggestions: readonly string[];
  launcher: boolean;
  agentName: string | undefined;
  avatarUrl: string | undefined;
  eventTarget: EventTarget | undefined;
}

/** Applies defaults and checks every option in one place; downstream code only sees the normalised shape. */
export function normalizeOptions(input: BaseInitOptions, browserLocale: string): NormalizedOptions {
  if (typeof input !== 'object' || input === null) {
    throw new AicadoError('invalid_options', 'init() needs an options object, e.g. init({ agentId: "demo" })');
  }
  // Own properties only, in a prototype-free object: a key a hostile page set on Object.prototype
  // (`signedParams`, `locale`, …) is never read as an option.
  const options = Object.assign(Object.create(null), DEFAULTS, ownDefined(input)) as BaseInitOptions & typeof DEFAULTS;
  if (options.theme && typeof options.theme === 'object') options.theme = ownDefined(options.theme);
  if (options.strings && typeof options.strings === 'object') options.strings = ownDefined(options.strings);
  if (options.context && typeof options.context === 'object') options.context = ownDefined(options.context);
  const problems: string[] = [];
  const check = (path: string, value: unknown) => {
    const rule = RULES[path];
    if (rule && value !== undefined && !rule[0](value)) problems.push(`${path} is invalid (got ${describe(value)}); allowed: ${rule[1]}`);
  };
  for (const key of Object.keys(RULES)) if (!key.includes('.')) check(key, options[key as keyof BaseInitOptions]);
  if (options.agentId === undefined) problems.push('agentId is required, e.g. init({ agentId: "demo" })');
  if (options.theme && typeof options.theme === 'object') {
    for (const key of ['accent', 'position', 'colorScheme'] as const) check(`theme.${key}`, options.theme[key]);
  }
  if (options.context && typeof options.context === 'object') check('context.pageUrl', options.context.pageUrl);
  if ((options.mode as string) === 'inline' && !options.container) problems.push("mode 'inline' needs a container (a CSS selector or an element)");
  if (problems.length) throw new AicadoError('invalid_options', `Invalid init() options: ${problems.join('; ')}`);

  const locale = options.locale ?? browserLocale;
  const stringOverrides: Partial<WidgetStrings> = {};
  if (options.title !== undefined) stringOverrides.title = options.title;
  if (options.greeting !== undefined) stringOverrides.greeting = options.greeting;
  if (options.placeholder !== undefined) stringOverrides.placeholder = options.placeholder;
  if (options.agentName !== undefined) stringOverrides.agent = options.agentName;
  Object.assign(stringOverrides, options.strings);
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
  return {
    agentId: options.agentId,
    apiBase: options.apiBase.replace(/\/+$/, ''),
    signedParams: options.signedParams,
    mode: options.mode,
    container: options.container,
    theme: {
      accent: options.theme?.accent,
      position,
      colorScheme: options.theme?.colorScheme ?? 'auto',
      side: end !== (logical && dir === 'rtl') ? 'right' : 'left',
    },
    locale,
    lang,
    dir,
    strings,
    stringOverrides,
    builtInLocale: builtIn,
    storage: options.storage,
    nonce: options.nonce,
    open: options.open,
    context: { pageUrl: options.context?.pageUrl ?? 'path' },
    suggestions: [...(options.suggestions ?? [])],
    launcher: options.launcher,
    agentName: options.agentName,
    avatarUrl: options.avatarUrl,
    eventTarget: options.eventTarget,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? (value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object') : String(value);
}
