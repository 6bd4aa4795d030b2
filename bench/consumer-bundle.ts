import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, type Rolldown } from 'vite';

/** What an app that writes `import { init } from 'aicado-embed'` ships of us, bundled and minified. */
export interface ConsumerBundle {
  /** The minified code of every chunk, concatenated: everything a visitor who opens the chat loads. */
  code: string;
  /**
   * Each chunk the app's bundler made of us; `initial` for the entry and what it imports statically;
   * `locale` for a built-in locale's panel texts, of which a visitor loads one at most.
   */
  chunks: { fileName: string; initial: boolean; locale: boolean; code: string }[];
  /** The module ids the bundler kept. */
  modules: string[];
}

/**
 * Bundles an app entry that imports `init` from the package, resolved through `package.json#exports`
 * to the built `dist/` file, the way an app's bundler would: tree-shaken and minified, whitespace too
 * (Vite's library mode keeps whitespace in ES output, so this is an app build of one JS entry).
 */
export async function bundleInitConsumer(root: string): Promise<ConsumerBundle> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entryFile = resolve(root, pkg.exports['.']!.import.default);
  const dir = await mkdtemp(join(tmpdir(), 'aicado-consumer-'));
  try {
    const entry = join(dir, 'app.js');
    // Re-exported so the bundler keeps `init` and everything it needs, and drops the rest.
    await writeFile(entry, `export { init } from ${JSON.stringify(entryFile)};\n`);
    const result = await build({
      configFile: false,
      root: dir,
      logLevel: 'silent',
      build: {
        write: false,
        target: 'es2022',
        minify: true,
        sourcemap: false,
        modulePreload: false,
        rolldownOptions: { input: entry, preserveEntrySignatures: 'exports-only' },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
    const chunks = outputs.flatMap((output) => output.output).filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    const initial = new Set<Rolldown.OutputChunk>();
    const visit = (chunk: Rolldown.OutputChunk | undefined) => {
      if (!chunk || initial.has(chunk)) return;
      initial.add(chunk);
      for (const name of chunk.imports) visit(byName.get(name));
    };
    for (const chunk of chunks) if (chunk.isEntry) visit(chunk);
    return {
      code: chunks.map((chunk) => chunk.code).join('\n'),
      chunks: chunks.map((chunk) => ({
        fileName: chunk.fileName,
        initial: initial.has(chunk),
        locale: Object.keys(chunk.modules).some((id) => /aicado-embed\.chunk-locale-[^/]*$/.test(id)),
        code: chunk.code,
      })),
      modules: chunks.flatMap((chunk) => Object.keys(chunk.modules)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
