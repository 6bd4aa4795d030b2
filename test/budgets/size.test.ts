import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleInitConsumer } from '../../bench/consumer-bundle.js';
import { SIZE_BUDGETS } from './budgets.js';
import { ROOT, distFile } from './dist.js';

const gzipBytes = (code: string | Buffer) => gzipSync(code, { level: 9 }).length;

describe('size budgets (gzip bytes)', () => {
  it(`the script-tag bundle, everything included, is at most ${SIZE_BUDGETS.scriptTagGzip} B`, () => {
    const size = gzipBytes(readFileSync(distFile('aicado-embed.iife.js')));
    expect(size, `dist/aicado-embed.iife.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.scriptTagGzip);
  });

  it(`aicado-embed/element adds at most ${SIZE_BUDGETS.elementGzip} B to the SDK it shares`, () => {
    const size = gzipBytes(readFileSync(distFile('element.js')));
    expect(size, `dist/element.js is ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.elementGzip);
  });

  it(`an app that imports { init } from 'aicado-embed' ships at most ${SIZE_BUDGETS.esmInitGzip} B of it`, async () => {
    distFile('aicado-embed.js');
    const bundle = await bundleInitConsumer(ROOT);
    // Guards the measurement itself: the bundle must hold the SDK, not an empty tree-shaken entry.
    expect(bundle.code).toContain('AicadoError');
    const size = gzipBytes(bundle.code);
    expect(size, `import { init } bundles to ${size} B gzip`).toBeLessThanOrEqual(SIZE_BUDGETS.esmInitGzip);
  }, 30_000);
});
