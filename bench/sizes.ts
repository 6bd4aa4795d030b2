import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { codeByPart } from './bundle-parts.js';
import { bundleInitConsumer } from './consumer-bundle.js';

export interface SizeRow {
  name: string;
  raw: number;
  gzip: number;
  brotli: number;
}

/** Gzip and brotli at their highest levels, as a CDN serving a static file would. */
export function compressedSizes(name: string, code: string | Buffer): SizeRow {
  const bytes = typeof code === 'string' ? Buffer.from(code) : code;
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The parts named in the size report even when absent, so "zod: 0" is a visible result. */
const NAMED_PARTS = ['preact', 'zod', 'aicado-embed'];

export interface SizeReport {
  files: SizeRow[];
  /** The split script tag: what loads with the page, and with its lazy part (each file compressed alone). */
  scriptTag: { atLoad: SizeRow; everything: SizeRow };
  /** `import { init } from 'aicado-embed'` bundled by an app: the chunks loaded with the page, and all of them. */
  initConsumer: { atLoad: SizeRow; everything: SizeRow };
  /** Parts of the single-file script tag, each compressed alone (so they add up to more than the whole). */
  scriptTagParts: SizeRow[];
}

/** Several files as one row: each compressed alone, as a server sends them, and summed. */
function summed(name: string, rows: SizeRow[]): SizeRow {
  return rows.reduce((sum, row) => ({ name, raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip, brotli: sum.brotli + row.brotli }), {
    name,
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
}

/** The largest of some locales' parts, as a list of one (none for a build without them): a visitor loads one locale at most. */
const largest = (rows: SizeRow[]): SizeRow[] => rows.sort((a, b) => b.gzip - a.gzip).slice(0, 1);

export async function measureSizes(root: string): Promise<SizeReport> {
  const dist = join(root, 'dist');
  const files = readdirSync(dist)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => compressedSizes(name, readFileSync(join(dist, name))));
  const consumer = await bundleInitConsumer(root);
  const chunks = consumer.chunks.map((chunk) => ({
    ...compressedSizes(chunk.fileName, chunk.code),
    initial: chunk.initial,
    locale: chunk.locale,
  }));
  // A build from before the split has its one script-tag file only: it is both parts, and nothing is lazy.
  const file = (name: string) => files.find((row) => row.name === name) ?? { name, raw: 0, gzip: 0, brotli: 0 };
  const single = files.some((row) => row.name === 'aicado-embed.single.iife.js') ? 'aicado-embed.single.iife.js' : 'aicado-embed.iife.js';
  const parts = codeByPart(join(dist, single));
  const partNames = [...new Set([...NAMED_PARTS, ...parts.keys()])];
  return {
    files,
    scriptTag: {
      atLoad: file('aicado-embed.iife.js'),
      everything: summed('first part + lazy part + the largest locale part', [
        file('aicado-embed.iife.js'),
        file('aicado-embed.lazy.js'),
        ...largest(files.filter((row) => /^aicado-embed\.locale-.*\.js$/.test(row.name))),
      ]),
    },
    initConsumer: {
      atLoad: summed(
        'with the page',
        chunks.filter((chunk) => chunk.initial),
      ),
      everything: summed(`${chunks.filter((chunk) => !chunk.locale).length} chunks + the largest locale chunk`, [
        ...chunks.filter((chunk) => !chunk.locale),
        ...largest(chunks.filter((chunk) => chunk.locale)),
      ]),
    },
    scriptTagParts: partNames.map((part) => {
      const code = parts.get(part);
      return code ? compressedSizes(part, code) : { name: part, raw: 0, gzip: 0, brotli: 0 };
    }),
  };
}
