import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const FILE = resolve(import.meta.dirname, '../../../test-results/consumer-sizes.json');

/** Records what aicado-embed adds to an app's JavaScript (gzip bytes) and prints it. */
export function recordSize(app: string, figures: Record<string, number>): void {
  mkdirSync(resolve(FILE, '..'), { recursive: true });
  let all: Record<string, Record<string, number>> = {};
  try {
    all = JSON.parse(readFileSync(FILE, 'utf8')) as typeof all;
  } catch {
    // first figure of this run
  }
  all[app] = figures;
  writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(
    `${app}: ${Object.entries(figures)
      .map(([name, value]) => `${name} ${(value / 1024).toFixed(1)} KB`)
      .join(', ')}`,
  );
}
