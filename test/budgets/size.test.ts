import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleInitConsumer } from '../../bench/consumer-bundle.js';
import { SIZE_BUDGETS } from './budgets.js';
import { LOCALE_PARTS, ROOT, distFile } from './dist.js';

const gzipBytes = (code: string | Buffer) => gzipSync(code, { level: 9 }).length;
const fileGzip = (name: string) => gzipBytes(readFileSync(distFile(name)));

describe('size budgets (gzip bytes)', () => {
  it(`the script tag's first part (loader, core, launcher) is at most ${SIZE_BUDGETS.scriptTagFirstPartGzip} B`, () => {
    const size = fileGzip('aicado-embed.iife.js');
    expect(size, `dist/aicado-embed.iife.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.scriptTagFirstPartGzip);
  });

  it(`the script tag's element part, which a page with <aicado-agent> loads, is at most ${SIZE_BUDGETS.scriptTagElementPartGzip} B`, () => {
    const size = fileGzip('aicado-embed.element.js');
    expect(size, `dist/aicado-embed.element.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.scriptTagElementPartGzip);
  });

  it(`aicado-embed/element adds at most ${SIZE_BUDGETS.elementGzip} B to the SDK it shares`, () => {
    const size = gzipBytes(readFileSync(distFile('element.js')));
    expect(size, `dist/element.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.elementGzip);
  });

  it(`the script tag with its lazy part and the largest locale part, everything a visitor loads, is at most ${SIZE_BUDGETS.scriptTagTotalGzip} B`, () => {
    const first = fileGzip('aicado-embed.iife.js');
    const lazy = fileGzip('aicado-embed.lazy.js');
    const locale = Math.max(...LOCALE_PARTS.map(fileGzip));
    const total = first + lazy + locale;
    expect(total, `first part ${first} B + lazy part ${lazy} B + largest locale part ${locale} B gzip`).toBeLessThanOrEqual(
      SIZE_BUDGETS.scriptTagTotalGzip,
    );
  });

  it(`the single-file script tag, everything included, is at most ${SIZE_BUDGETS.singleFileGzip} B`, () => {
    const size = fileGzip('aicado-embed.single.iife.js');
    expect(size, `dist/aicado-embed.single.iife.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.singleFileGzip);
  });

  it(`an app that imports { init } from 'aicado-embed' loads at most ${SIZE_BUDGETS.esmInitialGzip} B of it with the page, ${SIZE_BUDGETS.esmTotalGzip} B in all`, async () => {
    distFile('aicado-embed.js');
    const bundle = await bundleInitConsumer(ROOT);
    // Guards the measurement itself: the bundle must hold the SDK, not an empty tree-shaken entry.
    expect(bundle.code).toContain('AicadoError');
    // The app's bundler splits the lazy part off: the panel's code is not in what loads with the page.
    const initial = bundle.chunks.filter((chunk) => chunk.initial);
    expect(initial.length).toBeLessThan(bundle.chunks.length);
    expect(initial.map((chunk) => chunk.code).join('')).not.toContain('md-link');
    const initialSize = initial.reduce((sum, chunk) => sum + gzipBytes(chunk.code), 0);
    // A visitor loads one locale's panel texts at most: all the other chunks, and the largest of those.
    const locales = bundle.chunks.filter((chunk) => chunk.locale).map((chunk) => gzipBytes(chunk.code));
    expect(locales.length, 'each built-in locale other than English is a chunk of its own').toBeGreaterThanOrEqual(2);
    const rest = bundle.chunks.filter((chunk) => !chunk.locale).reduce((sum, chunk) => sum + gzipBytes(chunk.code), 0);
    const total = rest + Math.max(...locales);
    expect(initialSize, `import { init } loads ${initialSize} B gzip with the page`).toBeLessThanOrEqual(SIZE_BUDGETS.esmInitialGzip);
    expect(
      total,
      `import { init } loads at most ${total} B gzip (${bundle.chunks.length} chunks, ${locales.length} of them locales)`,
    ).toBeLessThanOrEqual(SIZE_BUDGETS.esmTotalGzip);
  }, 30_000);
});
