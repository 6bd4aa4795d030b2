// (c) a Next.js App Router app whose root layout, a server component, renders <AicadoAgent> from
// aicado-embed/react: `next build` (with its strict type check) passes, and the built app answers a
// visitor in Chromium; its own route handler (aicado-embed/server) verifies the webhook, which carries
// the params the layout set.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from '../e2e/support/browser.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { startBackend, type BackendProcess } from '../e2e/support/backend.js';
import { appDir, gzipOfScripts, npmRun } from './support/apps.js';
import { runCommand, startProcess, type RunningProcess } from './support/process.js';
import { recordSize } from './support/sizes.js';

/** Next.js needs its port before it starts, and the backend must allow that origin first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: '1' };
const secret = newWebhookSecret();
let browser: Browser;
let backend: BackendProcess;
let origin: string;
let next: RunningProcess | undefined;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
  backend = await startBackend({ webhookUrl: `${origin}/webhooks/aicado`, webhookSecret: secret, allowedOrigins: [origin] });
});
afterAll(async () => {
  await next?.stop();
  await browser?.close();
  await backend?.stop();
});

describe('next-app', () => {
  it('next build passes, type check included, with the server-component layout rendering <AicadoAgent>', async () => {
    // next build loads every route module, and createWebhookHandler checks its secret when created: the
    // secret is in the build's environment too, as the README says (and as hosts such as Vercel do).
    const env = { ...NEXT_ENV, NEXT_PUBLIC_AICADO_API_BASE: backend.url, AICADO_WEBHOOK_SECRET: secret };
    const { output } = await npmRun('next-app', 'build', env);
    expect(output).toMatch(/Compiled successfully/);
    // next build checks with the app's tsconfig; run tsc once more to be sure it was strict (skipLibCheck: false).
    await runCommand(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: appDir('next-app') });
    const chunks = join(appDir('next-app'), '.next/static/chunks');
    // The package's chunks, eager and lazy (the panel, on intent), each name Aicado in an error message.
    recordSize('next-app', { 'client JS': gzipOfScripts(chunks), 'chunks holding aicado-embed': gzipOfScripts(chunks, /Aicado/) });
  });

  it('next start: the widget answers in Chromium, and the app route verifies the webhook, with the layout params', async () => {
    const port = new URL(origin).port;
    next = await startProcess(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', port], {
      cwd: appDir('next-app'),
      env: { ...NEXT_ENV, AICADO_WEBHOOK_SECRET: secret },
      ready: /Ready in/,
    });
    const page = await browser.newPage();
    const console = recordConsole(page);
    await page.goto(origin);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const from = next.output().length;
    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Hello from Next.js');
    await input.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "Hello from Next.js"' }).waitFor({ timeout: 15_000 });

    // The answer's event: the conversation's lifecycle events reach the same route.
    const [, json] = await next.waitForLine(/^verified (\{.*"event":\{"type":"query\.completed".*)$/, { from });
    const { event } = JSON.parse(json!) as { event: { data: { input: string; params: unknown } } };
    expect(event.data.input).toBe('Hello from Next.js');
    expect(event.data.params).toStrictEqual({ user_id: 'u_next', plan: 'pro' });
    expect(console.errors).toEqual([]);
    await page.close();
  });
});
