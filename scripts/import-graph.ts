// The imports between the files of src/, read from the code itself (parsed, not matched by pattern), for
// the build (which modules the script tag's first part lends, scripts/build-lending.ts) and the
// architecture test (the layers, test/architecture/imports.test.ts): one walk, so they cannot disagree.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from 'vite';

export const SRC = resolve(import.meta.dirname, '../src');

/** One import of a file of src/ from another. */
export interface SourceImport {
  /** The imported file, relative to src/ (`contract/errors.ts`); as written, without `.js`, when no file matches. */
  target: string;
  /**
   * `value`: a static import that stays in the built code (`import { a }`, `import './x'`, `export { a } from`);
   * `type`: one TypeScript erases (`import type`, `export type`); `dynamic`: an `import('./x')`.
   */
  kind: 'value' | 'type' | 'dynamic';
  /** The run-time names it takes from the target; `*` for all of them (`import * as`, `export * from`). */
  names: string[];
}

/** Each file of src/ (path relative to src/, `/`-separated) with its relative imports; packages are left out. */
export type ImportGraph = ReadonlyMap<string, readonly SourceImport[]>;

/** The name an import takes from its module: `*` for the namespace (`import * as x`). */
const importedName = (kind: 'Name' | 'NamespaceObject' | 'Default', name: string | null): string =>
  kind === 'Default' ? 'default' : kind === 'Name' && name ? name : '*';

const isSource = (name: string) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts');

/** Every file of src/, relative to it. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : isSource(entry.name) ? [relative(SRC, join(dir, entry.name))] : [],
  );
}

/** Reads src/ and returns its import graph. */
export function readImportGraph(): ImportGraph {
  const files = sourceFiles().map((file) => file.split('\\').join('/'));
  const known = new Set(files);
  // A specifier as TypeScript resolves it with `moduleResolution: Bundler`: `./x.js` is `./x.ts` (or `.tsx`, or a folder's index).
  const resolveSpecifier = (from: string, specifier: string): string => {
    const base = relative(SRC, resolve(SRC, dirname(from), specifier.replace(/\.js$/, '')))
      .split('\\')
      .join('/');
    return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => known.has(candidate)) ?? base;
  };
  return new Map(
    files.map((file) => {
      const code = readFileSync(join(SRC, file), 'utf8');
      const { module, errors } = parseSync(file, code);
      if (errors.length > 0) throw new Error(`src/${file} does not parse: ${errors[0]!.message}`);
      const imports: SourceImport[] = [];
      const add = (specifier: string, kind: SourceImport['kind'], names: string[]) => {
        if (specifier.startsWith('.')) imports.push({ target: resolveSpecifier(file, specifier), kind, names });
      };
      // `import type` and `export type` are gone after TypeScript; `import { type a, b }` keeps the statement, and `b`.
      const typeOnly = (start: number) => /^(import|export)\s+type\b/.test(code.slice(start));
      for (const statement of module.staticImports) {
        const kind = typeOnly(statement.start) ? 'type' : 'value';
        const names = statement.entries
          .filter((entry) => !entry.isType)
          .map(({ importName }) => importedName(importName.kind, importName.name));
        add(statement.moduleRequest.value, kind, kind === 'type' ? [] : names);
      }
      for (const statement of module.staticExports) {
        const reexports = statement.entries.filter((entry) => entry.moduleRequest);
        const [first] = reexports;
        if (!first) continue;
        const kind = typeOnly(statement.start) ? 'type' : 'value';
        const names = reexports
          .filter((entry) => !entry.isType)
          .map((entry) => (entry.importName.kind === 'Name' ? entry.importName.name! : '*'));
        add(first.moduleRequest!.value, kind, kind === 'type' ? [] : names);
      }
      for (const { moduleRequest } of module.dynamicImports) {
        // Only a literal specifier names a file; `import(url)` loads whatever it is given at run time.
        const literal = /^(['"`])([^'"`$]*)\1$/.exec(code.slice(moduleRequest.start, moduleRequest.end));
        if (literal) add(literal[2]!, 'dynamic', ['*']);
      }
      return [file, imports] as const;
    }),
  );
}

/**
 * The files a bundle of `entries` is made of: the entries and what they import statically at run time,
 * followed (type-only imports and `import()` are not). `stopAt` files are included but not followed.
 */
export function staticallyReachable(
  graph: ImportGraph,
  entries: readonly string[],
  stopAt: (file: string) => boolean = () => false,
): Set<string> {
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    if (stopAt(file)) return;
    for (const { target, kind } of graph.get(file) ?? []) if (kind === 'value') visit(target);
  };
  for (const entry of entries) visit(entry);
  return reached;
}
