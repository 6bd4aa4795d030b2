import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImportGraph, SRC, staticallyReachable } from '../../scripts/import-graph.js';

// The layering of src/, read from the code's own imports, by folder: the contract and the locales at the
// bottom, then what every page runs (at-load), then what loads on intent (on-intent), the bindings and the
// entries on top. A cycle, or an import that runs against these layers, fails here. Dynamic `import()`s
// and type-only imports count as imports. The walk is the build's (scripts/import-graph.ts).

/** Each file of src/ (relative path) with the files of src/ it imports, type-only imports included. */
const graph = new Map([...readImportGraph()].map(([file, imports]) => [file, imports.map((entry) => entry.target)] as const));

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

  it('keeps the layers: each folder imports only the folders below it', () => {
    // Which layers each layer may import. The contract and the locales lie below everything; what every
    // page runs (at-load) below what loads on intent (on-intent), which may use it; the entries on top.
    const allowed: Record<string, string[]> = {
      contract: ['contract'],
      i18n: ['i18n'],
      server: ['contract', 'server'],
      cli: ['contract', 'cli'],
      'at-load': ['contract', 'i18n', 'at-load'],
      'on-intent': ['contract', 'i18n', 'at-load', 'on-intent'],
      // How markup and framework props become init() options and live changes (element, React).
      bindings: ['contract', 'at-load', 'bindings'],
      element: ['contract', 'at-load', 'bindings', 'element'],
      react: ['at-load', 'bindings', 'react'],
      init: ['at-load', 'i18n', 'on-intent'],
      index: ['contract', 'at-load', 'i18n', 'init'],
      'script-tag': ['at-load', 'i18n'],
      'script-tag-single': ['at-load', 'i18n', 'on-intent', 'element'],
    };
    const wrong = [...graph].flatMap(([file, targets]) => {
      const rule = allowed[layerOf(file)];
      return rule ? targets.filter((t) => !rule.includes(layerOf(t))).map((t) => `${file} -> ${t}`) : [`${file}: in no layer`];
    });
    expect(wrong).toEqual([]);
  });

  it('keeps Preact and everything that loads on intent out of the first part', () => {
    // What src/script-tag.ts and src/init.ts load at once: their static imports, followed.
    const reached = staticallyReachable(readImportGraph(), ['script-tag.ts', 'init.ts']);
    expect([...reached].filter((file) => file.startsWith('on-intent/'))).toEqual([]);
    const preact = [...reached].filter((file) => /from\s+['"]preact/.test(readFileSync(join(SRC, file), 'utf8')));
    expect(preact).toEqual([]);
  });
});
