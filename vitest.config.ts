import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: './vite.config.ts',
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          setupFiles: ['test/support/no-network.ts'],
        },
      },
      {
        // The React wrapper under Preact's compat layer, as a Preact app would use it.
        extends: './vite.config.ts',
        resolve: {
          alias: [
            { find: /^react(-dom)?$/, replacement: 'preact/compat' },
            { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
          ],
        },
        test: {
          name: 'compat',
          environment: 'happy-dom',
          include: ['test/compat/**/*.test.{ts,tsx}'],
          setupFiles: ['test/support/no-network.ts'],
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'test/server/**/*.test.ts',
            'test/backend/**/*.test.ts',
            'test/budgets/**/*.test.ts',
            'test/package/**/*.test.ts',
            'test/architecture/**/*.test.ts',
            'test/cli/**/*.test.ts',
          ],
        },
      },
      {
        extends: './vite.config.ts',
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The same pages on the single-file script-tag build: the installs a one-file site uses.
        extends: './vite.config.ts',
        test: {
          name: 'e2e-single',
          environment: 'node',
          include: ['test/e2e/{csp,definitions,offline,whole-loop,widget,xss}.test.ts'],
          env: { AICADO_E2E_SCRIPT: 'single' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // After the e2e project, not beside it: one browser and backend at a time on a small machine.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
