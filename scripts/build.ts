// Builds the targets of scripts/build-targets.ts into dist/, one Vite library build each, in the table's
// order. `tsx scripts/build.ts` builds them all into an emptied dist/ (what an earlier build left there
// is gone); `tsx scripts/build.ts <name>…` rebuilds those targets over the dist/ that is there.
// (`npm run build` runs it, then bundles the declarations and prints the single-file script's integrity hash.)
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'vite';
import { lendingPlugins, planLending } from './build-lending.js';
import { TARGETS, type TargetName, viteConfig } from './build-targets.js';

const DIST = resolve(import.meta.dirname, '../dist');

const known = Object.keys(TARGETS) as TargetName[];
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !known.includes(name as TargetName));
if (unknown.length > 0) {
  console.error(`Unknown build target${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}. Known targets: ${known.join(', ')}.`);
  process.exit(1);
}
const names = asked.length > 0 ? (asked as TargetName[]) : known;

// The lending between the script tag's parts is one plan for all of them, made from the code as it is.
const plan = await planLending(TARGETS);
if (asked.length === 0) await rm(DIST, { recursive: true, force: true });
for (const name of names) {
  console.log(`\n${name}: ${TARGETS[name].description}`);
  await build(viteConfig(TARGETS[name], lendingPlugins(TARGETS[name], plan)));
}
