import * as z from 'zod/mini';
import { AicadoError } from '../errors.js';
import { stringsFor, type WidgetStrings } from '../ui/strings.js';
import type { StorageKind } from './storage.js';

export interface ThemeOptions {
  /** Accent colour (any CSS colour); also settable from the host's CSS as `--aicado-accent`. */
  accent?: string;
  position?: 'bottom-right' | 'bottom-left';
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
}

export const DEFAULT_API_BASE = 'https://api.aicado.ai';

const DEFAULTS = Object.freeze({
  apiBase: DEFAULT_API_BASE,
  mode: 'bubble',
  storage: 'local',
  open: false,
} as const);

const OptionsSchema = z.object({
  agentId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  apiBase: z.string().check(z.regex(/^https?:\/\/[^\s]+$/)),
  signedParams: z.optional(z.string()),
  mode: z.enum(['bubble', 'inline']),
  container: z.optional(z.union([z.string(), z.custom<HTMLElement>((v) => typeof v === 'object' && v !== null && 'appendChild' in v)])),
  title: z.optional(z.string()),
  greeting: z.optional(z.string()),
  placeholder: z.optional(z.string()),
  theme: z.optional(
    z.object({
      accent: z.optional(z.string()),
      position: z.optional(z.enum(['bottom-right', 'bottom-left'])),
      colorScheme: z.optional(z.enum(['light', 'dark', 'auto'])),
    }),
  ),
  locale: z.optional(z.string()),
  strings: z.optional(z.record(z.string(), z.string())),
  storage: z.enum(['local', 'session', 'memory']),
  nonce: z.optional(z.string()),
  open: z.boolean(),
});

export interface NormalizedOptions {
  agentId: string;
  apiBase: string;
  signedParams: string | undefined;
  mode: 'bubble' | 'inline';
  container: string | HTMLElement | undefined;
  theme: Required<Omit<ThemeOptions, 'accent'>> & { accent: string | undefined };
  locale: string;
  strings: WidgetStrings;
  storage: StorageKind;
  nonce: string | undefined;
  open: boolean;
}

const ALLOWED: Record<string, string> = {
  agentId: '1-64 letters, digits, _ or -',
  apiBase: 'an http(s) URL',
  mode: "'bubble' or 'inline'",
  storage: "'local', 'session' or 'memory'",
  theme: "{ accent?: string, position?: 'bottom-right' | 'bottom-left', colorScheme?: 'light' | 'dark' | 'auto' }",
};

/** Applies defaults and checks every option in one place; downstream code only sees the normalised shape. */
export function normalizeOptions(input: BaseInitOptions, browserLocale: string): NormalizedOptions {
  if (typeof input !== 'object' || input === null) {
    throw new AicadoError('invalid_options', 'init() needs an options object, e.g. init({ agentId: "demo" })');
  }
  const { params: _params, ...rest } = input as BaseInitOptions & { params?: unknown };
  const merged = { ...DEFAULTS, ...withoutUndefined(rest) };
  const result = OptionsSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join('.') || '(options)';
      const top = String(issue.path[0] ?? '');
      const allowed = ALLOWED[top] ? `; allowed: ${ALLOWED[top]}` : '';
      return `${path} is invalid (got ${describe(valueAt(merged, issue.path))})${allowed}`;
    });
    throw new AicadoError('invalid_options', `Invalid init() options: ${problems.join('; ')}`);
  }
  const options = result.data;
  if (options.mode === 'inline' && !options.container) {
    throw new AicadoError('invalid_options', "Invalid init() options: mode 'inline' needs a container (a CSS selector or an element)");
  }
  const locale = options.locale ?? browserLocale;
  const strings = { ...stringsFor(locale) };
  if (options.title !== undefined) strings.title = options.title;
  if (options.greeting !== undefined) strings.greeting = options.greeting;
  if (options.placeholder !== undefined) strings.placeholder = options.placeholder;
  Object.assign(strings, options.strings);
  return {
    agentId: options.agentId,
    apiBase: options.apiBase.replace(/\/+$/, ''),
    signedParams: options.signedParams,
    mode: options.mode,
    container: options.container,
    theme: {
      accent: options.theme?.accent,
      position: options.theme?.position ?? 'bottom-right',
      colorScheme: options.theme?.colorScheme ?? 'auto',
    },
    locale,
    strings,
    storage: options.storage,
    nonce: options.nonce,
    open: options.open,
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? (value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object') : String(value);
}
