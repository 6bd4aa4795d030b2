import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBrowser } from './browser.js';
import { reportRows, renderTable } from './report.js';
import { measureSizes } from './sizes.js';

// `npm run bench` builds first, then runs this: sizes of what `dist/` ships, then the browser scenarios.

// BENCH_ROOT measures the build of another checkout (an older commit, for a before/after table).
const ROOT = resolve(process.env.BENCH_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '..'));
/** At least 7 runs per figure; BENCH_RUNS may ask for more. */
const RUNS = Math.max(7, Number(process.env.BENCH_RUNS ?? 7) || 7);

const dist = join(ROOT, 'dist');
if (!existsSync(join(dist, 'aicado-embed.iife.js'))) {
  console.error('bench: dist/ is not built; run `npm run bench` (it builds first) or `npm run build`');
  process.exit(1);
}

const started = Date.now();
const sizes = await measureSizes(ROOT);
const browser = await measureBrowser(dist, RUNS);
const rows = reportRows(sizes, browser);
const seconds = (Date.now() - started) / 1000;

console.log(
  `\naicado-embed bench — ${browser.chromium}, ${browser.cpuSlowdown}× CPU slowdown, median of ${RUNS} runs (min, max); ${seconds.toFixed(0)} s\n`,
);
console.log(renderTable(rows));
console.log('\nScript-tag parts are each compressed alone, so they add up to more than the whole bundle.');

const result = {
  date: new Date().toISOString(),
  runs: RUNS,
  seconds,
  environment: { node: process.version, chromium: browser.chromium, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
  sizes,
  browser,
  table: rows,
};
const results = join(ROOT, 'bench', 'results');
mkdirSync(results, { recursive: true });
const json = `${JSON.stringify(result, null, 2)}\n`;
writeFileSync(join(results, 'latest.json'), json);
writeFileSync(join(results, `${result.date.replace(/[:.]/g, '-')}.json`), json);
console.log(`Written to bench/results/latest.json`);
