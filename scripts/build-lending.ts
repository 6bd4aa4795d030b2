// How the script tag's parts share modules, so that a page holds one copy of each (one AicadoError class,
// so `instanceof` holds across parts). A rule over folders, not a list kept by hand:
//
//   every module under src/contract/, src/i18n/ or src/at-load/ that the first part bundles is lendable;
//   the parts it imports later (lazy, locales, element) read what they import of a lendable module from
//   the object the first part lends, and bundle only what the first part does not have.
//
// A lendable module lends a part the names the part imports from it (read from the part's code), when
// the first part bundles them all (read from its bundle); when it does not (most of the protocol's
// constants, which only the panel reads), the part bundles the module itself. Lending whole modules, or
// names the first part drops, would put code only the other parts use into the part every page loads.
// The first part puts the object on globalThis[Symbol.for(LENT_MODULES_KEY)] before it imports another
// part (src/at-load/loader/lent-modules.ts); the key carries the version, so a part of another version
// finds nothing there and fails to load as a whole.
import { join, relative } from 'node:path';
import { build, type ESTree, type Plugin, type Rolldown } from 'vite';
import { LENT_MODULES_KEY } from '../src/at-load/loader/lent-modules.js';
import { type BuildTarget, entriesUnderSrc, viteConfig } from './build-targets.js';
import { type ImportGraph, readImportGraph, SRC, staticallyReachable } from './import-graph.js';

/** The folders of src/ whose modules the first part lends. */
export const LENT_FOLDERS = ['contract/', 'i18n/', 'at-load/'] as const;
/** The module that holds the lent object and lends it: the build fills it in (below); it lends nothing itself. */
export const LENDER_MODULE = 'at-load/loader/lent-modules.ts';

/** What one borrowing part takes of the lendable modules it imports. */
export interface Borrowed {
  /** The modules it reads from the first part, each with the names it imports, sorted. */
  lent: ReadonlyMap<string, readonly string[]>;
  /** The modules it bundles itself, the first part not bundling all it imports of them. */
  copied: ReadonlySet<string>;
}

export interface LendingPlan {
  /** Each lent module (path under src/) with the names it lends, sorted. */
  lent: ReadonlyMap<string, readonly string[]>;
  /** What one borrowing part (its entries, paths under src/) takes of the lendable modules. */
  borrowedBy(entries: readonly string[]): Borrowed;
}

const underSrc = (id: string) => relative(SRC, id).split('\\').join('/');
const sourcePath = (module: string) => join(SRC, module).split('\\').join('/');
const lendingKey = (module: string) => JSON.stringify(module.replace(/\.tsx?$/, ''));

/** The modules of src/ a target bundles, each with the exports its bundle keeps: built, not written. */
async function bundledExports(target: BuildTarget): Promise<Map<string, Set<string>>> {
  const kept = new Map<string, Set<string>>();
  const record: Plugin = {
    name: 'aicado-record-bundled-exports',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle) as (Rolldown.OutputChunk | Rolldown.OutputAsset)[]) {
        if (chunk.type !== 'chunk') continue;
        for (const [id, module] of Object.entries(chunk.modules)) {
          if (id.startsWith(SRC)) kept.set(underSrc(id), new Set([...(kept.get(underSrc(id)) ?? []), ...module.renderedExports]));
        }
      }
    },
  };
  const config = viteConfig(target, [record]);
  await build({ ...config, logLevel: 'warn', build: { ...config.build, write: false } });
  return kept;
}

/** The run-time names `files` import from each of `modules` (`*`: all of them, as `import()` takes them). */
function namesImported(graph: ImportGraph, files: Iterable<string>, modules: ReadonlySet<string>): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const file of files) {
    for (const { target, kind, names: imported } of graph.get(file) ?? []) {
      if (kind === 'type' || !modules.has(target)) continue;
      names.set(target, new Set([...(names.get(target) ?? []), ...imported]));
    }
  }
  return names;
}

/** Applies the rule to the targets as they are: the one that `lends` is bundled (not written) to see what it has. */
export async function planLending(
  targets: Readonly<Record<string, BuildTarget>>,
  graph: ImportGraph = readImportGraph(),
): Promise<LendingPlan> {
  const lenders = Object.values(targets).filter((target) => target.lending === 'lends');
  if (lenders.length !== 1) throw new Error(`one build target lends its modules, not ${lenders.length}`);
  const firstPart = await bundledExports(lenders[0]!);
  const lendable = new Set(
    [...firstPart.keys()].filter((file) => file !== LENDER_MODULE && LENT_FOLDERS.some((folder) => file.startsWith(folder))),
  );
  const has = (module: string, name: string) => firstPart.get(module)?.has(name) ?? false;

  const borrowedBy = (entries: readonly string[]): Borrowed => {
    // A part's own code: what it reaches without entering a lendable module, and the modules it bundles
    // (with what they import, which it then takes too), until that settles.
    let copied = new Set<string>();
    for (;;) {
      const isOwn = (file: string) => !lendable.has(file) || copied.has(file);
      const own = [...staticallyReachable(graph, [...entries, ...copied], (file) => !isOwn(file))].filter(isOwn);
      const lent = new Map<string, string[]>();
      const copying = new Set<string>();
      for (const [module, names] of namesImported(graph, own, lendable)) {
        if (names.has('*')) {
          throw new Error(
            `the first part lends src/${module}: import the names you use of it (no \`import * as\`, \`export *\` or \`import()\`)`,
          );
        }
        if (names.size > 0 && [...names].every((name) => has(module, name))) lent.set(module, [...names].sort());
        else copying.add(module);
      }
      if ([...copying].every((module) => copied.has(module))) return { lent, copied };
      copied = new Set([...copied, ...copying]);
    }
  };

  const borrowers = Object.values(targets).filter((target) => target.lending === 'borrows');
  const lent = new Map<string, Set<string>>();
  for (const borrower of borrowers) {
    for (const [module, names] of borrowedBy(entriesUnderSrc(borrower)).lent)
      lent.set(module, new Set([...(lent.get(module) ?? []), ...names]));
  }
  return {
    lent: new Map([...lent].sort(([a], [b]) => a.localeCompare(b)).map(([module, names]) => [module, [...names].sort()])),
    borrowedBy,
  };
}

/**
 * The first part's side: writes the lent object into src/at-load/loader/lent-modules.ts, in place of the
 * empty LENT_MODULES there, from one named import per lent module (appended: imports are hoisted). Named
 * imports, not `import * as`: a namespace object is copied with a for…in, which a page that added to
 * Object.prototype would break.
 */
function lendModules(plan: LendingPlan): Plugin {
  const lender = sourcePath(LENDER_MODULE);
  return {
    name: 'aicado-lend-modules',
    transform(code, id) {
      if (id !== lender) return null;
      const empty = emptyLentModules(this.parse(code));
      if (!empty) throw new Error(`src/${LENDER_MODULE} has no \`const LENT_MODULES = {}\` for the build to fill in`);
      const imports: string[] = [];
      const entries: string[] = [];
      [...plan.lent].forEach(([module, names], m) => {
        const locals = names.map((name, n) => [name, `lent${m}_${n}`] as const);
        imports.push(
          `import { ${locals.map(([name, local]) => `${name} as ${local}`).join(', ')} } from ${JSON.stringify(sourcePath(module))};`,
        );
        entries.push(`${lendingKey(module)}: { ${locals.map(([name, local]) => `${name}: ${local}`).join(', ')} }`);
      });
      // On one line, and the imports after the rest: every other line keeps its place, so the source map holds (`map: null`).
      const filled = `${code.slice(0, empty.start)}{ ${entries.join(', ')} }${code.slice(empty.end)}\n${imports.join('\n')}\n`;
      return { code: filled, map: null };
    },
  };
}

/** Where the lender module's `const LENT_MODULES = {}` has its `{}`. */
function emptyLentModules(program: ESTree.Program): { start: number; end: number } | undefined {
  for (const statement of program.body) {
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') continue;
    for (const { id, init } of statement.declarations) {
      if (id.type === 'Identifier' && id.name === 'LENT_MODULES' && init?.type === 'ObjectExpression' && init.properties.length === 0)
        return init;
    }
  }
  return undefined;
}

/** The lent object, read once by a borrowing part. */
const LENT_OBJECT = '\0aicado-lent-modules';
const BORROWED = '\0aicado-borrowed:';

/** A borrowing part's side: an import that resolves to a module lent to it becomes a read, from the lent object, of what it imports. */
function borrowModules(plan: LendingPlan, entries: readonly string[]): Plugin {
  const { lent } = plan.borrowedBy(entries);
  const lentModules = new Map([...lent.keys()].map((module) => [sourcePath(module), module]));
  return {
    name: 'aicado-borrow-modules',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source === LENT_OBJECT) return LENT_OBJECT;
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const module = resolved && lentModules.get(resolved.id);
      return module ? `${BORROWED}${module}` : null;
    },
    load(id) {
      if (id === LENT_OBJECT) return `export default globalThis[Symbol.for(${JSON.stringify(LENT_MODULES_KEY)})];`;
      if (!id.startsWith(BORROWED)) return null;
      const module = id.slice(BORROWED.length);
      return `import lentObject from ${JSON.stringify(LENT_OBJECT)};\nexport const { ${lent.get(module)!.join(', ')} } = lentObject[${lendingKey(module)}];`;
    },
  };
}

/** The plugins a target's place in the lending asks for: its entries say what a borrowing part imports. */
export function lendingPlugins(target: BuildTarget, plan: LendingPlan): Plugin[] {
  switch (target.lending) {
    case 'lends':
      return [lendModules(plan)];
    case 'borrows':
      return [borrowModules(plan, entriesUnderSrc(target))];
    default:
      return [];
  }
}
