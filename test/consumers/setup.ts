// Global setup of `npm run test:consumers`: packs the build as npm would publish it and installs each
// app of apps/ beside the tarball, in a temporary folder outside the repository, from the registry
// (`--prefer-offline`: npm's cache answers what it already has).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packTarball } from '../package/tarball.js';
import { APPS, installApp } from './support/apps.js';

export default async function setup(project: TestProject) {
  rmSync(resolve(import.meta.dirname, '../../test-results/consumer-sizes.json'), { force: true });
  const root = mkdtempSync(join(tmpdir(), 'aicado-consumers-'));
  // AICADO_TARBALL runs the apps against another tarball, e.g. a published version (`npm pack aicado-embed@0.1.0`).
  const file = process.env.AICADO_TARBALL ?? (await packTarball()).file;
  copyFileSync(file, join(root, 'aicado-embed.tgz'));
  const started = Date.now();
  // Two at a time: installs wait on the network and the disk more than on the two cores.
  const queue = [...APPS];
  const timings: string[] = [];
  await Promise.all(
    [0, 1].map(async () => {
      for (let name = queue.shift(); name; name = queue.shift())
        timings.push(`${name} ${((await installApp(root, name)) / 1000).toFixed(1)} s`);
    }),
  );
  console.log(`installed the tarball into ${APPS.length} apps in ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')})`);
  project.provide('consumersRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
