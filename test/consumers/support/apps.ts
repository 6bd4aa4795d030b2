import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inject } from 'vitest';
import { runCommand, startProcess } from './process.js';

/** The apps under test/consumers/apps/, each a project as a user would write it. */
export const APPS = [
  'vanilla-vite',
  'react-vite',
  'next-app',
  'node-cjs',
  'node-esm',
  'node-stores',
  'vue-vite',
  'svelte-vite',
  'angular-app',
] as const;
export type AppName = (typeof APPS)[number];

export const TEMPLATES = resolve(import.meta.dirname, '../apps');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temporary folder holding aicado-embed.tgz and one installed copy of each app. */
    consumersRoot: string;
  }
}

/** Where the global setup installed an app (outside the repository, with the packed tarball). */
export function appDir(name: AppName): string {
  return join(inject('consumersRoot'), name);
}

/** Copies an app's template next to the tarball and installs it from the registry, as a user would. */
export async function installApp(root: string, name: AppName): Promise<number> {
  const dir = join(root, name);
  cpSync(join(TEMPLATES, name), dir, { recursive: true });
  const { durationMs } = await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    timeoutMs: 240_000,
  });
  return durationMs;
}

/** `npm run <script>` in an app. */
export const npmRun = (name: AppName, script: string, env?: NodeJS.ProcessEnv) =>
  runCommand('npm', ['run', '--silent', script], { cwd: appDir(name), env, timeoutMs: 280_000 });

/** Gzip bytes (level 9) of every `.js` file under `dir`, and of those whose text matches `only`. */
export function gzipOfScripts(dir: string, only?: RegExp): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!entry.endsWith('.js') || !statSync(file).isFile()) continue;
    const code = readFileSync(file);
    if (!only || only.test(code.toString('utf8'))) total += gzipSync(code, { level: 9 }).length;
  }
  return total;
}

/** A webhook receiver app started on an ephemeral port; prints `verified {json}` per verified event. */
export async function startReceiverApp(name: 'node-cjs' | 'node-esm', secret: string) {
  const entry = name === 'node-cjs' ? 'server.js' : 'build/server.js';
  const running = await startProcess(process.execPath, [entry], {
    cwd: appDir(name),
    env: { PORT: '0', AICADO_WEBHOOK_SECRET: secret },
    ready: /listening on (http:\/\/\S+)/,
  });
  const url = running.ready[1]!;
  return {
    ...running,
    webhookUrl: `${url}/webhooks/aicado`,
    /** The next verified `query.completed` event the app printed after `from` characters of output (the backend also sends a conversation's lifecycle events). */
    async nextEvent(from: number) {
      const [, json] = await running.waitForLine(/^verified (\{.*"event":\{"type":"query\.completed".*)$/, { from, timeoutMs: 20_000 });
      return JSON.parse(json!) as {
        user_id: unknown;
        event: { type: string; data: { input: string; output: string; params: Record<string, unknown> } };
      };
    },
  };
}
