// (a) a vanilla Vite TypeScript app and (b) a Vite React app: each type-checks strictly, builds with vite,
// and in Chromium answers a visitor against the reference backend, whose webhook a CommonJS Express app
// verifies with aicado-embed/server, carrying the params the app set.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from '../e2e/support/browser.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { startBackend, type BackendProcess } from '../e2e/support/backend.js';
import { startStaticServer } from '../e2e/support/http.js';
import { appDir, gzipOfScripts, npmRun, startReceiverApp } from './support/apps.js';
import { runCommand } from './support/process.js';
import { recordSize } from './support/sizes.js';

/** The same app with aicado-embed replaced by a stub doing nothing: what the app weighs without us. */
const BASELINES = {
  'vanilla-vite': {
    config: `import { defineConfig } from 'vite';\nexport default defineConfig({ resolve: { alias: { 'aicado-embed': '/stub.js' } } });\n`,
    stub: 'export function init() { return { on() { return () => {}; } }; }\n',
  },
  'react-vite': {
    config: `import { mergeConfig } from 'vite';\nimport base from './vite.config';\nexport default mergeConfig(base, { resolve: { alias: { 'aicado-embed/react': '/stub.js' } } });\n`,
    stub: 'export function AicadoAgent(props) { return props.children ?? null; }\nexport function useAicado() { return undefined; }\n',
  },
};

const APPS = [
  { name: 'vanilla-vite', params: { user_id: 'u_vanilla', plan: 'pro', seats: 3 }, open: 'Open chat' },
  // The React app opens the panel from its own button, through useAicado().
  { name: 'react-vite', params: { user_id: 'u_react', plan: 'free' }, open: 'Ask our assistant' },
] as const;

const secret = newWebhookSecret();
let browser: Browser;
let receiver: Awaited<ReturnType<typeof startReceiverApp>>;

beforeAll(async () => {
  browser = await launchBrowser();
  receiver = await startReceiverApp('node-cjs', secret);
});
afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
});

/** Types a message into the widget like a visitor and waits for the complete answer. */
async function askInWidget(page: Page, text: string): Promise<string> {
  const input = page.getByRole('textbox', { name: 'Type your message…' });
  await input.fill(text);
  await input.press('Enter');
  const answer = page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` });
  await answer.waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
  return answer.innerText();
}

describe.each(APPS)('$name', ({ name, params, open }) => {
  let site: Awaited<ReturnType<typeof startStaticServer>>;
  let backend: BackendProcess;

  beforeAll(async () => {
    site = await startStaticServer(join(appDir(name), 'dist'));
    backend = await startBackend({ webhookUrl: receiver.webhookUrl, webhookSecret: secret, allowedOrigins: [site.url] });
  });
  afterAll(async () => {
    await backend?.stop();
    await site?.close();
  });

  it('type-checks with strict TypeScript (skipLibCheck: false) and builds with vite', async () => {
    const dir = appDir(name);
    await npmRun(name, 'build', { VITE_AICADO_API_BASE: backend.url });
    site.pages.set('/', { body: readFileSync(join(dir, 'dist/index.html'), 'utf8') });

    writeFileSync(join(dir, 'stub.js'), BASELINES[name].stub);
    writeFileSync(join(dir, 'vite.baseline.config.ts'), BASELINES[name].config);
    await runCommand(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'vite.baseline.config.ts', '--outDir', 'dist-baseline', '--logLevel', 'error'],
      { cwd: dir },
    );
    const withAicado = gzipOfScripts(join(dir, 'dist'));
    const without = gzipOfScripts(join(dir, 'dist-baseline'));
    recordSize(name, { 'app JS with aicado-embed': withAicado, without: without, 'added by aicado-embed': withAicado - without });
    expect(withAicado).toBeGreaterThan(without);
  });

  it('answers in Chromium, and the verified webhook carries the params the app set', async () => {
    const page = await browser.newPage();
    const console = recordConsole(page);
    await page.goto(site.url);
    await page.getByRole('button', { name: open }).click();
    const from = receiver.output().length;
    const answer = await askInWidget(page, `Hello from ${name}`);
    expect(answer).toContain(params.user_id);

    const { event } = await receiver.nextEvent(from);
    expect(event.data.input).toBe(`Hello from ${name}`);
    expect(event.data.params).toStrictEqual(params);
    expect(console.errors).toEqual([]);
    await page.close();
  });
});
