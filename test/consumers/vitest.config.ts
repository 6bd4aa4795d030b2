import { defineConfig } from 'vitest/config';

// `npm run test:consumers`: the packed package inside apps written as a user would write them.
// Not part of `npm test`: it installs from the registry and builds five apps (a few minutes).
export default defineConfig({
  test: {
    name: 'consumers',
    root: import.meta.dirname,
    include: ['*.test.ts'],
    globalSetup: ['./setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
