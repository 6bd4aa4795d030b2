import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from '@typescript/typescript6';

const run = promisify(execFile);

/** The repository root; these tests read what `npm run build` left in `dist/`, packed as npm publishes it. */
export const ROOT = resolve(import.meta.dirname, '../..');

export interface PackageJson {
  name: string;
  version: string;
  license?: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

export interface Tarball {
  /** The `.tgz` file `npm pack` wrote. */
  file: string;
  /** Where it was unpacked: the package's files are under `package/`. */
  root: string;
  /** Paths inside the package, as npm lists them (`dist/server.js`, `LICENSE`, …). */
  files: string[];
}

let packed: Promise<Tarball> | undefined;

/** Packs the repository once per test process, into a temporary folder, and unpacks the tarball. */
export function packTarball(): Promise<Tarball> {
  packed ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aicado-pack-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, timeout: 60_000 });
    const [result] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    const file = join(dir, result.filename);
    await run('tar', ['-xzf', file, '-C', dir], { timeout: 30_000 });
    return { file, root: join(dir, 'package'), files: result.files.map((entry) => entry.path).sort() };
  })();
  return packed;
}

/** The package a bare specifier names: `react/jsx-runtime` → `react`, `@scope/a/b` → `@scope/a`. */
export function packageOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

/** What a declaration file imports: `import`/`export … from`, `import('…')` types and `/// <reference types>`. */
export function declarationImports(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return [...info.importedFiles, ...info.typeReferenceDirectives].map((reference) => reference.fileName);
}

/** The paths every `exports` condition names, through nested conditions. */
export function exportTargets(value: unknown = PACKAGE.exports): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}
