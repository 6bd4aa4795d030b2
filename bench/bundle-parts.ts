import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

// Attributes each byte of a minified bundle to the source module it came from, using the bundler's
// own source map, then groups modules into parts (preact, zod, our code).

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

export function partOf(source: string): string {
  if (source.includes('node_modules/preact')) return 'preact';
  if (source.includes('node_modules/zod')) return 'zod';
  if (source.includes('node_modules/')) return 'other dependencies';
  return 'aicado-embed';
}

/** Walks the bundle's source map: each mapped stretch of minified code, with the source it came from. */
function forEachMappedStretch(file: string, visit: (source: string, text: string) => void): void {
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const lines = code.split('\n');
  let source = 0;
  map.mappings.split(';').forEach((line, lineIndex) => {
    const text = lines[lineIndex] ?? '';
    let column = 0;
    const segments = line ? line.split(',').map(decodeVlq) : [];
    segments.forEach((fields, i) => {
      column += fields[0] ?? 0;
      if (fields.length >= 4) source += fields[1] ?? 0;
      const next = i + 1 < segments.length ? column + (segments[i + 1]?.[0] ?? 0) : text.length;
      visit(map.sources[source] ?? '(unknown)', text.slice(column, Math.max(column, next)));
    });
  });
}

/** Minified bytes per source file, from `file` and its `.map`. */
export function bytesBySource(file: string): Map<string, number> {
  const sizes = new Map<string, number>();
  forEachMappedStretch(file, (source, text) => sizes.set(source, (sizes.get(source) ?? 0) + text.length));
  return sizes;
}

/** Each part's own minified code, concatenated in bundle order, so it can be compressed on its own. */
export function codeByPart(file: string): Map<string, string> {
  const pieces = new Map<string, string[]>();
  forEachMappedStretch(file, (source, text) => {
    const part = partOf(source);
    const texts = pieces.get(part);
    if (texts) texts.push(text);
    else pieces.set(part, [text]);
  });
  return new Map([...pieces].map(([part, texts]) => [part, texts.join('')]));
}

/** Each part's share of the bundle: minified bytes, and gzip bytes estimated by that share. */
export function bundleParts(file: string): { part: string; minified: number; gzipShare: number }[] {
  const total = readFileSync(file);
  const gzip = gzipSync(total, { level: 9 }).length;
  const parts = new Map<string, number>();
  for (const [source, bytes] of bytesBySource(file)) parts.set(partOf(source), (parts.get(partOf(source)) ?? 0) + bytes);
  const mapped = [...parts.values()].reduce((a, b) => a + b, 0);
  return [...parts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([part, minified]) => ({ part, minified, gzipShare: Math.round((gzip * minified) / mapped) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'dist/aicado-embed.iife.js';
  console.table(bundleParts(file));
  const bySource = [...bytesBySource(file).entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
  console.table(bySource.map(([source, bytes]) => ({ source: source.replace(/^(\.\.\/)+/, ''), bytes })));
}
