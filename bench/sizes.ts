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
const NAMED_PARTS = ['preact', 'zod', 'nanoid', 'aicado-embed'];

export interface SizeReport {
  files: SizeRow[];
  /** `import { init } from 'aicado-embed'` bundled by an app. */
  initConsumer: SizeRow;
  /** Parts of the script-tag bundle, each compressed alone (so they add up to more than the whole). */
  scriptTagParts: SizeRow[];
}

export async function measureSizes(root: string): Promise<SizeReport> {
  const dist = join(root, 'dist');
  const files = readdirSync(dist)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => compressedSizes(name, readFileSync(join(dist, name))));
  const consumer = await bundleInitConsumer(root);
  const parts = codeByPart(join(dist, 'aicado-embed.iife.js'));
  const partNames = [...new Set([...NAMED_PARTS, ...parts.keys()])];
  return {
    files,
    initConsumer: compressedSizes("import { init } from 'aicado-embed'", consumer.code),
    scriptTagParts: partNames.map((part) => {
      const code = parts.get(part);
      return code ? compressedSizes(part, code) : { name: part, raw: 0, gzip: 0, brotli: 0 };
    }),
  };
}
