import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering of src/, read from the code's own imports: contract at the bottom, then transport,
// sdk, the shell (the widget's first part: host element, launcher) and ui (the panel, loaded on
// intent), the composition root (boot, init), the bindings, and the entries on top. A cycle, or an
// import that runs against these layers, fails here before it can become a habit. Dynamic `import()`s
// count as imports.

const SRC = resolve(import.meta.dirname, '../../src');
const files = (function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
})(SRC);

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

/** Each file of src/ (relative path) with the files of src/ it imports, type-only imports included. */
const graph = new Map(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, ''))));
    const resolved = targets.map(
      (target) => [`${target}.ts`, `${target}.tsx`, `${target}/index.ts`].find((c) => files.includes(join(SRC, c))) ?? target,
    );
    return [relative(SRC, file), resolved] as const;
  }),
);

const layerOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.tsx?$/, ''));

describe('src/ import graph', () => {
  it('resolves every relative import to a file of src/', () => {
    const unresolved = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${file} -> ${t}`));
    expect(unresolved).toEqual([]);
    expect(graph.size).toBeGreaterThan(30);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps the layers: sdk never imports ui, nothing below the entries imports init or an entry', () => {
    // Which layers each layer may import; the entries and the composition root sit on top.
    const allowed: Record<string, string[]> = {
      version: [],
      contract: ['contract'],
      i18n: ['i18n'],
      transport: ['contract', 'transport'],
      server: ['contract', 'server', 'transport', 'version'],
      cli: ['contract', 'cli', 'version'],
      sdk: ['contract', 'transport', 'sdk', 'i18n', 'version'],
      shell: ['contract', 'sdk', 'i18n', 'shell'],
      ui: ['contract', 'sdk', 'i18n', 'ui', 'shell'],
      boot: ['contract', 'sdk', 'shell', 'i18n', 'boot'],
      'lazy-part': ['ui', 'sdk', 'transport'],
      init: ['boot', 'i18n', 'lazy-part'],
      loader: ['contract', 'sdk', 'boot', 'init', 'i18n', 'lazy-part', 'bindings', 'element', 'version', 'loader'],
      // How markup and framework props become init() options and live changes (script tag, element, React).
      bindings: ['contract', 'sdk', 'bindings'],
      element: ['contract', 'sdk', 'bindings', 'element'],
      react: ['bindings', 'react'],
    };
    const wrong = [...graph].flatMap(([file, targets]) => {
      const rule = allowed[layerOf(file)];
      return rule ? targets.filter((t) => !rule.includes(layerOf(t))).map((t) => `${file} -> ${t}`) : [];
    });
    expect(wrong).toEqual([]);
  });

  it('keeps Preact, the panel and the transport out of the first part: only the lazy-part entry reaches them', () => {
    // What src/loader/script-tag.ts and src/init.ts load at once: their static imports, followed.
    const STATIC = /^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const m of text.matchAll(STATIC)) {
        const target = relative(SRC, resolve(dirname(join(SRC, file)), m[1]!.replace(/\.js$/, '')));
        visit([`${target}.ts`, `${target}.tsx`].find((c) => graph.has(c)) ?? target);
      }
    };
    visit('loader/script-tag.ts');
    visit('init.ts');
    const lazyOnly = [...reached].filter(
      (file) =>
        file.startsWith('ui/') ||
        file.startsWith('transport/') ||
        file === 'sdk/attempt.ts' ||
        file === 'sdk/rating.ts' ||
        file === 'sdk/shown-sources.ts' ||
        file === 'lazy-part.ts',
    );
    expect(lazyOnly).toEqual([]);
    const preact = [...reached].filter((file) => /from\s+['"]preact/.test(readFileSync(join(SRC, file), 'utf8')));
    expect(preact).toEqual([]);
  });
});
