import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAst } from 'vite';

/** The repository root; the budgets read what `npm run build` left in `dist/`. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');

export function distFile(name: string): string {
  const file = join(DIST, name);
  if (!existsSync(file)) throw new Error(`dist/${name} is missing: the budgets measure the build, so run \`npm run build\` first`);
  return file;
}

interface PackageJson {
  name: string;
  unpkg?: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The JavaScript files (ESM and CommonJS) an `exports` subpath resolves to, through nested conditions, as `dist/` names. */
export function entryFiles(subpath: string): string[] {
  const targets = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : [];
  const files = targets(PACKAGE.exports[subpath]).filter((target) => /\.c?js$/.test(target));
  return [...new Set(files)].map((target) => target.replace(/^\.\/dist\//, ''));
}

/** The script tag's part for each built-in locale but English (one module each in src/i18n/panel-strings/). */
export const LOCALE_PARTS = readdirSync(join(ROOT, 'src/i18n/panel-strings')).map(
  (file) => `aicado-embed.locale-${file.replace(/\.ts$/, '')}.js`,
);

/** The script-tag builds beside `unpkg`: the split one's lazy, element and locale parts, and the single-file build. */
export const SCRIPT_TAG_FILES = ['aicado-embed.lazy.js', 'aicado-embed.element.js', ...LOCALE_PARTS, 'aicado-embed.single.iife.js'];

/** Server code, never loaded by a browser: `./server` and its stores (`./server/redis`, `./server/postgres`, …). */
export const isServerSubpath = (subpath: string): boolean => subpath === './server' || subpath.startsWith('./server/');

/** The dist files a browser loads: every `exports` subpath but the server ones, and the script-tag bundles. */
export function browserEntries(): string[] {
  const targets = Object.keys(PACKAGE.exports)
    .filter((subpath) => !isServerSubpath(subpath) && subpath !== './package.json')
    .flatMap(entryFiles);
  return [...new Set([...targets, ...(PACKAGE.unpkg ? [PACKAGE.unpkg.replace(/^\.\/dist\//, '')] : []), ...SCRIPT_TAG_FILES])];
}

/** The module specifiers a built ES module imports, statically or dynamically, or re-exports from. */
export function importedSpecifiers(code: string): string[] {
  const specifiers: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const {
      type,
      source,
      callee,
      arguments: args,
    } = node as {
      type?: string;
      source?: { type?: string; value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked?: string } }[] };
      callee?: { type?: string; name?: string };
      arguments?: { type?: string; value?: unknown }[];
    };
    if (
      (type === 'ImportDeclaration' ||
        type === 'ExportAllDeclaration' ||
        type === 'ExportNamedDeclaration' ||
        type === 'ImportExpression') &&
      source
    ) {
      // A template literal with nothing interpolated (`import(\`./chunk.js\`)`, as minifiers write it) is a literal too.
      const literal = source.type === 'TemplateLiteral' && !source.expressions?.length ? source.quasis?.[0]?.value.cooked : source.value;
      specifiers.push(typeof literal === 'string' ? literal : '(computed)');
    }
    if (type === 'CallExpression' && callee?.type === 'Identifier' && callee.name === 'require') {
      const first = args?.[0];
      specifiers.push(first && typeof first.value === 'string' ? first.value : '(computed)');
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit(parseAst(code));
  return specifiers;
}

/** A dist entry and every dist chunk it imports, transitively (what loading the entry loads). */
export function withChunks(entry: string): string[] {
  const files = new Set<string>();
  const add = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) add(resolve(dirname(file), specifier));
    }
  };
  add(distFile(entry));
  return [...files];
}

/** The source files a built file was made from, per its source map, relative to the repository. */
export function sourcesOf(file: string): string[] {
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => source.replace(/^\0/, '').replace(/^(\.\.\/)+/, ''));
}
