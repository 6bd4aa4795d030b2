import { describe, expect, it } from 'vitest';
import { DEFAULTS, describeDefault, FLAG_ENTRIES, parseFlags, resolveConfig, USAGE } from '../../demo/backend/config/index.js';

// The flag table yields the parser, the usage text and the defaults: these checks make sure an entry is
// whole, so a flag cannot be added to one of them and not the others.

/** The usage text with its wrapped lines joined, so a phrase reads the same wherever the line broke. */
const usage = USAGE.replace(/\s+/g, ' ');

/** The command line that gives `value` to the flag, as a user would type it. */
function argsFor(entry: (typeof FLAG_ENTRIES)[number][1], name: string, value: unknown): string[] {
  const items = entry.repeatable ? (value as unknown[]) : [value];
  return items.flatMap((item) => [`--${name}`, entry.kind.format(item)]);
}

describe('backend flags', () => {
  it('names every flag and alias once, apart from --help', () => {
    const names = FLAG_ENTRIES.flatMap(([, entry]) => [entry.name, ...entry.aliases]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('help');
  });

  it.each(FLAG_ENTRIES)('--%s is in the usage text with its value, meaning, aliases and default', (_key, entry) => {
    expect(usage).toContain(` --${entry.name} ${entry.value} `);
    expect(usage).toContain(entry.help);
    for (const alias of entry.aliases) expect(usage).toContain(`--${alias}`);
    expect(usage).toContain(`(${describeDefault(entry)})`);
  });

  it.each(FLAG_ENTRIES)('%s has a default that, typed as its flag, parses back to itself and is accepted', (key, entry) => {
    const given = entry.default;
    if ('value' in given) {
      expect(DEFAULTS).toHaveProperty(key, given.value);
      // An empty list cannot be typed: it is what leaving the repeatable flag out gives.
      if (entry.repeatable && (given.value as unknown[]).length === 0) expect(parseFlags([])).not.toHaveProperty(key);
    }
    const value =
      'value' in given ? given.value : 'generate' in given ? given.generate() : 'derive' in given ? given.derive(DEFAULTS) : undefined;
    if (value === undefined) {
      // No default value: absent means something else, which the usage text says.
      expect(entry.merge).toBe('file');
      return;
    }
    expect(entry.schema.safeParse(value).success).toBe(true);
    for (const name of [entry.name, ...entry.aliases]) {
      const args = argsFor(entry, name, value);
      if (!args.length) continue;
      const flags = parseFlags(args);
      expect(flags).toHaveProperty(key, value);
      expect(() => resolveConfig(flags, {})).not.toThrow();
    }
  });

  it('gives every setting of the backend a value when no flag is given', () => {
    const config = resolveConfig({}, {}) as unknown as Record<string, unknown>;
    for (const [key, entry] of FLAG_ENTRIES) {
      if (entry.merge === 'backend' || entry.merge === 'fallback') expect(config[key], key).toBeDefined();
    }
  });

  it('prefers the current name of a flag to its old one', () => {
    expect(parseFlags(['--echo-delay-ms', '3', '--delta-delay-ms', '7'])).toMatchObject({ deltaDelayMs: 7 });
  });
});
