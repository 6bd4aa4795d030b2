// The package as npm publishes it: what it declares, what it ships, and how each kind of consumer
// resolves it. Everything here reads the tarball `npm pack` makes of the build.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { importedSpecifiers } from '../budgets/dist.js';
import { PACKAGE, ROOT, declarationImports, exportTargets, packTarball, packageOf } from './tarball.js';

const run = promisify(execFile);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);
const declared = new Set(Object.keys(PACKAGE.dependencies ?? {}));
const peers = new Set(Object.keys(PACKAGE.peerDependencies ?? {}));
/** A peer's types come from its DefinitelyTyped package (`react` → `@types/react`), installed beside it. */
const isPeerTypes = (name: string) => peers.has(name) || peers.has(name.replace(/^@types\//, ''));

describe('dependencies', () => {
  it('are exactly the packages the published JavaScript imports at run time', async () => {
    const { root, files } = await packTarball();
    const imported = new Set<string>();
    for (const file of files.filter((name) => /\.(c|m)?js$/.test(name))) {
      for (const specifier of importedSpecifiers(readFileSync(join(root, file), 'utf8'))) {
        // '(computed)': the split script tag's import of its lazy part (test/budgets/contents.test.ts pins it).
        if (specifier.startsWith('.') || isBuiltin(specifier) || specifier === '(computed)') continue;
        const name = packageOf(specifier);
        // The React entry imports the package's own main entry, and the peer the app brings.
        if (name !== PACKAGE.name && !peers.has(name)) imported.add(name);
      }
    }
    expect([...declared].sort()).toEqual([...imported].sort());
    // The first test of the file packs the tarball, and it parses every shipped file (the CLI's too).
  }, 60_000);
});

describe('package-lock.json', () => {
  it('is what `npm install` on a fresh clone writes, so the clone stays clean', async () => {
    // npm ci never rewrites the lock; npm install does whenever package.json says something the lock's
    // root entry does not (a peer dependency added by hand, a moved dependency).
    const dir = mkdtempSync(join(tmpdir(), 'aicado-lock-'));
    for (const name of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, name), join(dir, name));
    await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      timeout: 120_000,
    });
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  }, 120_000);
});

describe('published declarations', () => {
  it('import only their own files, the package itself, declared dependencies and peers', async () => {
    const { root, files } = await packTarball();
    const declarations = files.filter((name) => /\.d\.(c|m)?ts$/.test(name));
    expect(declarations.length).toBeGreaterThan(0);
    const undeclared: string[] = [];
    for (const file of declarations) {
      for (const specifier of declarationImports(readFileSync(join(root, file), 'utf8'))) {
        if (specifier.startsWith('.')) {
          undeclared.push(`${file} imports ${specifier}: declarations are bundled, one file per entry and format`);
          continue;
        }
        const name = packageOf(specifier);
        if (name !== PACKAGE.name && !declared.has(name) && !isPeerTypes(name)) undeclared.push(`${file} imports ${specifier}`);
      }
    }
    expect(undeclared).toEqual([]);
  });
});

describe('the tarball', () => {
  it('carries the MIT LICENSE, the README and every file package.json#exports names', async () => {
    const { root, files } = await packTarball();
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(PACKAGE.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    const missing = exportTargets()
      .map((target) => target.replace(/^\.\//, ''))
      .filter((target) => !files.includes(target));
    expect(missing).toEqual([]);
  });

  it('ships no intermediate build output and no sources', async () => {
    const { files } = await packTarball();
    expect(files.filter((name) => !/^(LICENSE|README\.md|package\.json|dist\/[\w.-]+)$/.test(name))).toEqual([]);
  });
});

describe('package linters', () => {
  it('publint (strict, suggestions included) finds nothing', async () => {
    // Linted as unpacked from the tarball, so it sees exactly the files npm publishes.
    const { root } = await packTarball();
    const { messages, pkg } = await publint({ pkgDir: root, strict: true, level: 'suggestion', pack: false });
    expect(messages.map((message) => formatMessage(message, pkg) ?? message.code)).toEqual([]);
  }, 60_000);

  it('attw: every entry resolves to types and JavaScript of one format under node16 (CJS and ESM) and bundler', async () => {
    const { file } = await packTarball();
    const attw = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    // attw exits non-zero when it finds a problem; the JSON report is printed either way.
    const { stdout } = await run(process.execPath, [attw, file, '--profile', 'node16', '--format', 'json'], { timeout: 60_000 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const report = JSON.parse(stdout) as {
      analysis: { entrypoints: Record<string, unknown> };
      problems?: Record<string, { entrypoint: string; resolutionKind?: string }[]>;
    };
    const problems = Object.entries(report.problems ?? {}).flatMap(([kind, found]) =>
      found
        .filter((problem) => problem.resolutionKind !== 'node10')
        .map((problem) => `${kind} ${problem.entrypoint} (${problem.resolutionKind ?? 'all'})`),
    );
    expect(problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(PACKAGE.exports).sort());
  }, 60_000);
});

describe('aicado-embed/element on a server', () => {
  // A framework's server render imports the element's module too: there it must define nothing and throw nothing.
  const probe = `const m = MODULE; console.log(JSON.stringify({ exports: Object.keys(m), customElements: typeof customElements, window: typeof window }));`;
  for (const [kind, file, load] of [
    ['ESM', 'dist/element.js', (path: string) => `await import(${JSON.stringify(path)})`],
    ['CommonJS', 'dist/element.cjs', (path: string) => `require(${JSON.stringify(path)})`],
  ] as const) {
    it(`imports in plain Node (${kind}) without a throw, defining nothing`, async () => {
      const code = probe.replace('MODULE', load(join(ROOT, file)));
      const { stdout } = await run(process.execPath, [kind === 'ESM' ? '--input-type=module' : '--input-type=commonjs', '-e', code], {
        timeout: 30_000,
      });
      expect(JSON.parse(stdout)).toEqual({ exports: [], customElements: 'undefined', window: 'undefined' });
    });
  }
});
