import { defineConfig } from 'vitest/config';

// `npm run test:consumers`: the packed package inside apps written as a user would write them.
// Not part of `npm test`: it installs from the registry and builds nine apps (under ten minutes on two cores).
export default defineConfig({
  test: {
    name: 'consumers',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    globalSetup: ['./setup.ts'],
    environment: 'node',
    fileParallelism: false,
    // next build takes about 30 s alone, and several times that on a machine busy with other builds.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
