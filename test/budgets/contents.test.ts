import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseAst } from 'vite';
import { describe, expect, it } from 'vitest';
import { planLending } from '../../scripts/build-lending.js';
import { entriesUnderSrc, TARGETS } from '../../scripts/build-targets.js';
import { LENT_MODULES_KEY } from '../../src/at-load/loader/lent-modules.js';
import { BROWSER_FORBIDDEN_SOURCES, BROWSER_GLOBALS, SERVER_FORBIDDEN_SOURCES } from './budgets.js';
import { LOCALE_PARTS, PACKAGE, browserEntries, distFile, entryFiles, importedSpecifiers, sourcesOf, withChunks } from './dist.js';

const run = promisify(execFile);
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isNodeBuiltin = (specifier: string) => BUILTINS.has(specifier) || specifier.startsWith('node:');

/**
 * Imports a built entry in a fresh Node process where every browser global is a getter that records
 * its use; prints which were touched and what the module exports.
 */
async function importWithBrowserGlobalsTrapped(file: string): Promise<{ touched: string[]; exports: string[]; initError?: string }> {
  const script = `
    const touched = new Set();
    for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
      Object.defineProperty(globalThis, name, { configurable: true, get() { touched.add(name); return undefined; } });
    }
    const entry = await import(${JSON.stringify(pathToFileURL(file).href)});
    const exports = Object.keys(entry).sort();
    const importTouched = [...touched];
    let initError;
    try { entry.init?.({ agentId: 'demo' }); } catch (error) { initError = error.name + ':' + error.code; }
    console.log(JSON.stringify({ touched: importTouched, exports, initError }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], { timeout: 20_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { touched: string[]; exports: string[]; initError?: string };
}

describe('the npm entry on a server (SSR)', () => {
  it('imports without touching a browser global, and init() throws a clear AicadoError', async () => {
    const loaded = await importWithBrowserGlobalsTrapped(distFile('aicado-embed.js'));
    // Nothing may be read, and nothing may throw.
    expect(loaded.touched).toEqual([]);
    expect(loaded.exports).toContain('init');
    expect(loaded.initError).toBe('AicadoError:not_in_browser');
  });
});

describe('aicado-embed/element on a server (SSR)', () => {
  it.each(entryFiles('./element').filter((name) => name.endsWith('.js')))(
    '%s imports without defining or throwing anything',
    async (name) => {
      const loaded = await importWithBrowserGlobalsTrapped(distFile(name));
      // It asks whether customElements exists, and, there being none, defines nothing; it exports only types.
      expect(loaded.touched.filter((global) => global !== 'requestAnimationFrame')).toEqual(['customElements']);
      expect(loaded.exports).toEqual([]);
    },
    30_000,
  );
});

describe('aicado-embed/server carries no browser code', () => {
  const files = withChunks('server.js');

  it.each(files.map((file) => [basename(file), file]))('%s is built from no browser module', (_name, file) => {
    const browserSources = sourcesOf(file).filter((source) => SERVER_FORBIDDEN_SOURCES.some((pattern) => pattern.test(source)));
    expect(browserSources).toEqual([]);
  });

  it.each(files.map((file) => [basename(file), file]))('%s imports no browser package', (_name, file) => {
    const browserImports = importedSpecifiers(readFileSync(file, 'utf8')).filter(
      (specifier) => /^preact(\/|$)/.test(specifier) || specifier === PACKAGE.name || specifier.startsWith(`${PACKAGE.name}/react`),
    );
    expect(browserImports).toEqual([]);
  });

  it('loads in Node without touching a browser global', async () => {
    const loaded = await importWithBrowserGlobalsTrapped(distFile('server.js'));
    expect(loaded.touched).toEqual([]);
    expect(loaded.exports).toContain('verifyWebhook');
  }, 30_000);
});

describe('the browser bundles carry no Node built-ins and no zod locales', () => {
  const bundles = [...new Set(browserEntries().flatMap(withChunks))];
  const packages = new Set([PACKAGE.name, ...Object.keys(PACKAGE.dependencies ?? {}), ...Object.keys(PACKAGE.peerDependencies ?? {})]);
  const packageOf = (specifier: string) =>
    specifier
      .split('/')
      .slice(0, specifier.startsWith('@') ? 2 : 1)
      .join('/');

  it.each(bundles.map((file) => [basename(file), file]))('%s is built from browser modules only', (_name, file) => {
    const forbidden = sourcesOf(file).filter(
      (source) => isNodeBuiltin(source) || BROWSER_FORBIDDEN_SOURCES.some((pattern) => pattern.test(source)),
    );
    expect(forbidden).toEqual([]);
  });

  it.each(bundles.map((file) => [basename(file), file]))(
    '%s imports no Node built-in, only its chunks and declared packages',
    (_name, file) => {
      const outside = importedSpecifiers(readFileSync(file, 'utf8')).filter(
        (specifier) =>
          !specifier.startsWith('./') &&
          !isLazyPartImport(file, specifier) &&
          (isNodeBuiltin(specifier) || !packages.has(packageOf(specifier))),
      );
      expect(outside).toEqual([]);
    },
  );

  it.each(['aicado-embed.iife.js', 'aicado-embed.lazy.js', 'aicado-embed.single.iife.js', ...entryFiles('.')])(
    '%s is self-contained: the npm entry and the script tag need no other package',
    (name) => {
      // The script tag is loaded from a CDN with its lazy part beside it; the main entry bundles preact.
      const outside = importedSpecifiers(readFileSync(distFile(name), 'utf8')).filter(
        (specifier) => !specifier.startsWith('./') && !isLazyPartImport(distFile(name), specifier),
      );
      expect(outside).toEqual([]);
    },
  );
});

/** The split script tag's one import: its lazy part, from a URL it computes beside its own (src/script-tag.ts). */
const isLazyPartImport = (file: string, specifier: string) => basename(file) === 'aicado-embed.iife.js' && specifier === '(computed)';

/** The script tag's lending as the build plans it (scripts/build-lending.ts), for the code as it is. */
const lending = await planLending(TARGETS);
/** What a part of the script tag borrows and what it bundles itself, as paths of src/ like the source maps'. */
const borrowedBy = (target: keyof typeof TARGETS) => {
  const { lent, copied } = lending.borrowedBy(entriesUnderSrc(TARGETS[target]));
  return { lent: [...lent.keys()].map((module) => `src/${module}`), copied: [...copied].map((module) => `src/${module}`).sort() };
};

describe('the script tag is split at the mount boundary', () => {
  const lazyPartSources = (file: string) =>
    sourcesOf(distFile(file)).filter((source) => /(^|\/)src\/on-intent\/(panel|transport)\/|node_modules\/preact\//.test(source));

  it('the first part carries no Preact, no panel and no transport; it names its lazy part, which exists beside it', () => {
    expect(lazyPartSources('aicado-embed.iife.js')).toEqual([]);
    // Nor anything of what loads on intent: the conversation, its transport, the panel.
    expect(sourcesOf(distFile('aicado-embed.iife.js')).filter((source) => source.startsWith('src/on-intent/'))).toEqual([]);
    expect(readFileSync(distFile('aicado-embed.iife.js'), 'utf8')).toContain('aicado-embed.lazy.js');
    expect(lazyPartSources('aicado-embed.lazy.js').length).toBeGreaterThan(5);
  });

  it('the first part defines <aicado-agent> from its element part, which a page with the element loads and which carries no second copy of the core', () => {
    const first = new Set(sourcesOf(distFile('aicado-embed.iife.js')));
    expect(first.has('src/element/define.ts')).toBe(false);
    expect(readFileSync(distFile('aicado-embed.iife.js'), 'utf8')).toContain('aicado-embed.element.js');
    const element = sourcesOf(distFile('aicado-embed.element.js'));
    expect(element).toContain('src/element/define.ts');
    // Of the first part's modules, it carries only those the first part does not lend it all it needs of.
    expect(element.filter((source) => first.has(source)).sort()).toEqual(borrowedBy('script-tag-element').copied);
    expect(borrowedBy('script-tag-element').lent).toContain('src/contract/errors.ts');
    expect(readFileSync(distFile('aicado-embed.element.js'), 'utf8')).toContain(`Symbol.for(\`${LENT_MODULES_KEY}\`)`);
    // The single file defines it at load, with everything else.
    expect(sourcesOf(distFile('aicado-embed.single.iife.js'))).toContain('src/element/define.ts');
  });

  it('the lazy part carries no second copy of the core: of the first part, only the modules it does not lend all the lazy part needs of; the rest it borrows', () => {
    const first = new Set(sourcesOf(distFile('aicado-embed.iife.js')));
    const shared = sourcesOf(distFile('aicado-embed.lazy.js')).filter((source) => first.has(source));
    const { lent, copied } = borrowedBy('script-tag-lazy');
    expect(shared.sort()).toEqual(copied);
    // The errors it reads from the first part: one AicadoError class for both.
    expect(lent).toContain('src/contract/errors.ts');
    const lazy = readFileSync(distFile('aicado-embed.lazy.js'), 'utf8');
    const element = readFileSync(distFile('aicado-embed.element.js'), 'utf8');
    for (const module of lending.lent.keys()) {
      const path = module.replace(/\.ts$/, '');
      expect(first.has(`src/${module}`), `the first part has src/${module}`).toBe(true);
      expect(lazy.includes(`[\`${path}\`]`) || element.includes(`[\`${path}\`]`), `a part borrows src/${module}`).toBe(true);
    }
    expect(lazy).toContain(`Symbol.for(\`${LENT_MODULES_KEY}\`)`);
  });

  it("the first part carries the launcher's texts only; the panel's come with the lazy part, English's, or in a part of their own", () => {
    const first = readFileSync(distFile('aicado-embed.iife.js'), 'utf8');
    const lazy = readFileSync(distFile('aicado-embed.lazy.js'), 'utf8');
    const turkish = readFileSync(distFile('aicado-embed.locale-tr.js'), 'utf8');
    const arabic = readFileSync(distFile('aicado-embed.locale-ar.js'), 'utf8');
    expect(first).toContain('Open chat');
    expect(first).toContain('aicado-embed.locale-');
    for (const text of ['Ask our assistant', 'Suggested questions']) {
      expect(first).not.toContain(text);
      expect(lazy).toContain(text);
    }
    for (const text of ['Asistanımıza sorun', 'اسأل مساعدنا']) {
      expect(first).not.toContain(text);
      expect(lazy).not.toContain(text);
      expect(`${turkish}${arabic}`).toContain(text);
      expect(readFileSync(distFile('aicado-embed.single.iife.js'), 'utf8')).toContain(text);
    }
    // A table and nothing else: no import, so it needs nothing the first part lends.
    for (const part of LOCALE_PARTS) expect(importedSpecifiers(readFileSync(distFile(part), 'utf8')), part).toEqual([]);
  });

  it('the single-file build has everything and imports nothing', () => {
    expect(lazyPartSources('aicado-embed.single.iife.js').length).toBe(lazyPartSources('aicado-embed.lazy.js').length);
    expect(importedSpecifiers(readFileSync(distFile('aicado-embed.single.iife.js'), 'utf8'))).toEqual([]);
  });
});

describe('aicado-embed/react is a client module', () => {
  // Next.js App Router lets a server component (e.g. app/layout.tsx) render <AicadoAgent> only when the
  // module starts with the directive; minifiers and bundlers drop it unless it survives as the first statement.
  it.each(entryFiles('./react'))("%s starts with 'use client'", (name) => {
    const [first] = parseAst(readFileSync(distFile(name), 'utf8')).body as { type: string; directive?: string }[];
    expect(first).toMatchObject({ type: 'ExpressionStatement', directive: 'use client' });
  });
});
