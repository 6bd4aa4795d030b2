// (c) a Next.js App Router app whose root layout, a server component, renders <AicadoAgent> from
// aicado-embed/react: `next build` (with its strict type check) passes, and the built app answers a
// visitor in Chromium with a verified webhook carrying the params the layout set.
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from '../e2e/support/browser.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { startBackend, type BackendProcess } from '../e2e/support/backend.js';
import { appDir, gzipOfScripts, npmRun, startReceiverApp } from './support/apps.js';
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
let receiver: Awaited<ReturnType<typeof startReceiverApp>>;
let backend: BackendProcess;
let origin: string;
let next: RunningProcess | undefined;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  browser = await launchBrowser();
  receiver = await startReceiverApp('node-cjs', secret);
  backend = await startBackend({ webhookUrl: receiver.webhookUrl, webhookSecret: secret, allowedOrigins: [origin] });
});
afterAll(async () => {
  await next?.stop();
  await browser?.close();
  await backend?.stop();
  await receiver?.stop();
});

describe('next-app', () => {
  it('next build passes, type check included, with the server-component layout rendering <AicadoAgent>', async () => {
    const { output } = await npmRun('next-app', 'build', { ...NEXT_ENV, NEXT_PUBLIC_AICADO_API_BASE: backend.url });
    expect(output).toMatch(/Compiled successfully/);
    // next build checks with the app's tsconfig; run tsc once more to be sure it was strict (skipLibCheck: false).
    await runCommand(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: appDir('next-app') });
    const chunks = join(appDir('next-app'), '.next/static/chunks');
    recordSize('next-app', { 'client JS': gzipOfScripts(chunks), 'chunks holding aicado-embed': gzipOfScripts(chunks, /AicadoError/) });
  });

  it('next start: the widget answers in Chromium, and the verified webhook carries the layout params', async () => {
    const port = new URL(origin).port;
    next = await startProcess(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', port], {
      cwd: appDir('next-app'),
      env: NEXT_ENV,
      ready: /Ready in/,
    });
    const page = await browser.newPage();
    const console = recordConsole(page);
    await page.goto(origin);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const from = receiver.output().length;
    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Hello from Next.js');
    await input.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "Hello from Next.js"' }).waitFor({ timeout: 15_000 });

    const { event } = await receiver.nextEvent(from);
    expect(event.data.params).toStrictEqual({ user_id: 'u_next', plan: 'pro' });
    expect(console.errors).toEqual([]);
    await page.close();
  });
});
