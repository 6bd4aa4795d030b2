// (d) <aicado-agent> in a Vue 3 + Vite app (vue-tsc strict), a Svelte 5 + Vite app (svelte-check) and an
// Angular app (ng build, strict templates), each from the packed tarball: the framework's own checker
// refuses a restricted key where it type-checks templates, the built app mounts the element in
// Chromium against the reference backend, each webhook (verified by a CommonJS Express app) carries
// the params in force when its query was sent, a refused params value changes nothing, and removing
// the element leaves no widget DOM and no listener on window.
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from '../e2e/support/browser.js';
import { newWebhookSecret } from '../e2e/support/fixture.js';
import { startBackend, type BackendProcess } from '../e2e/support/backend.js';
import { startStaticServer } from '../e2e/support/http.js';
import { type AppName, appDir, gzipOfScripts, npmRun, startReceiverApp } from './support/apps.js';
import { runCommand } from './support/process.js';
import { recordSize } from './support/sizes.js';

interface ElementApp {
  name: AppName;
  user: string;
  build(apiBase: string): Promise<unknown>;
  /** A template line with a restricted key, and the file and marker it goes before; none where the framework cannot check it. */
  refused?: { file: string; before: string; line: string };
}

const APPS: ElementApp[] = [
  {
    name: 'vue-vite',
    user: 'u_vue',
    build: (apiBase) => npmRun('vue-vite', 'build', { VITE_AICADO_API_BASE: apiBase }),
    refused: {
      file: 'src/App.vue',
      before: '  </main>',
      line: `    <aicado-agent agent-id="demo" :params="{ user_id: 'u_1', A_ID: 1 }" />\n`,
    },
  },
  {
    name: 'svelte-vite',
    user: 'u_svelte',
    build: (apiBase) => npmRun('svelte-vite', 'build', { VITE_AICADO_API_BASE: apiBase }),
    refused: {
      file: 'src/App.svelte',
      before: '</main>',
      line: `  <aicado-agent agent-id="demo" params={{ user_id: 'u_1', A_ID: 1 }}></aicado-agent>\n`,
    },
  },
  {
    // Angular checks no binding on an element of CUSTOM_ELEMENTS_SCHEMA: a restricted key is refused at run time only.
    name: 'angular-app',
    user: 'u_angular',
    build: (apiBase) =>
      runCommand(
        process.execPath,
        ['node_modules/@angular/cli/bin/ng.js', 'build', '--define', `AICADO_API_BASE=${JSON.stringify(apiBase)}`],
        {
          cwd: appDir('angular-app'),
          env: { NG_CLI_ANALYTICS: 'false' },
          timeoutMs: 240_000,
        },
      ),
  },
];

/** Counts the page's listeners on window, installed before any script of the page runs. */
const COUNT_WINDOW_LISTENERS = `(() => {
  const live = new Set();
  const add = window.addEventListener, remove = window.removeEventListener;
  window.addEventListener = function (type, listener, options) { live.add(listener); return add.call(this, type, listener, options); };
  window.removeEventListener = function (type, listener, options) { live.delete(listener); return remove.call(this, type, listener, options); };
  // Playwright's own actions add hit-target and probe listeners through the same window: not the page's.
  window.__pageWindowListeners = () => [...live].filter((l) => !/_hitTargetInterceptor|seenEvent/.test(String(l))).length;
})();`;
const windowListeners = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pageWindowListeners(): number }).__pageWindowListeners());

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

/** The app's type check on a copy whose template sets a restricted key; resolves with what it printed when it failed. */
async function typecheckWithRefusedKey(name: AppName, refused: NonNullable<ElementApp['refused']>): Promise<string> {
  const dir = appDir(name);
  const copy = `${dir}-refused`;
  cpSync(dir, copy, { recursive: true, filter: (source) => !/[\\/](node_modules|dist)$/.test(source) });
  symlinkSync(join(dir, 'node_modules'), join(copy, 'node_modules'));
  const path = join(copy, refused.file);
  const source = readFileSync(path, 'utf8');
  expect(source).toContain(refused.before);
  writeFileSync(path, source.replace(refused.before, `${refused.line}${refused.before}`));
  return runCommand('npm', ['run', '--silent', 'typecheck'], { cwd: copy }).then(
    () => 'the type check passed',
    (error: Error) => error.message,
  );
}

/** Types a message into the widget like a visitor and waits for the complete answer. */
async function askInWidget(page: Page, text: string): Promise<void> {
  const input = page.getByRole('textbox', { name: 'Type your message…' });
  await input.fill(text);
  await input.press('Enter');
  await page.locator('aicado-embed .msg.agent', { hasText: `You said: "${text}"` }).waitFor({ timeout: 15_000 });
}

describe.each(APPS)('<aicado-agent> in $name', (app) => {
  let site: Awaited<ReturnType<typeof startStaticServer>>;
  let backend: BackendProcess;

  beforeAll(async () => {
    site = await startStaticServer(join(appDir(app.name), 'dist'));
    backend = await startBackend({ webhookUrl: receiver.webhookUrl, webhookSecret: secret, allowedOrigins: [site.url] });
  });
  afterAll(async () => {
    await backend?.stop();
    await site?.close();
  });

  it(
    app.refused
      ? "type-checks strictly and builds, and the framework's checker refuses a restricted key in a template"
      : 'type-checks strictly and builds',
    async () => {
      // The refusal is checked in a copy sharing node_modules, at the same time as the real build.
      const [failure] = await Promise.all([
        app.refused ? typecheckWithRefusedKey(app.name, app.refused) : undefined,
        app.build(backend.url),
      ]);
      if (app.refused) expect(failure).toMatch(/"A_ID\\?" is restricted by Aicado/);
      const dir = appDir(app.name);
      site.pages.set('/', { body: readFileSync(join(dir, 'dist/index.html'), 'utf8') });
      recordSize(app.name, { 'app JS with aicado-embed/element': gzipOfScripts(join(dir, 'dist')) });
    },
  );

  it('mounts; each webhook carries the params in force; A_ID is refused; removal leaves nothing', async () => {
    const page = await browser.newPage();
    const console = recordConsole(page);
    await page.addInitScript(COUNT_WINDOW_LISTENERS);
    await page.goto(site.url);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const before = await windowListeners(page);

    await page.getByRole('button', { name: 'Toggle chat' }).click();
    await page.locator('aicado-embed').waitFor({ state: 'attached' });
    expect(await windowListeners(page)).toBeGreaterThan(before);
    await page.getByRole('button', { name: 'Open chat' }).click();

    let from = receiver.output().length;
    await askInWidget(page, `first from ${app.name}`);
    expect((await receiver.nextEvent(from)).event.data.params).toStrictEqual({ user_id: app.user, plan: 'free' });

    await page.getByRole('button', { name: 'Upgrade plan' }).click(); // the app's reactive params change
    from = receiver.output().length;
    await askInWidget(page, `second from ${app.name}`);
    expect((await receiver.nextEvent(from)).event.data.params).toStrictEqual({ user_id: app.user, plan: 'pro' });

    await page.getByRole('button', { name: 'Break params' }).click();
    // The app's own status line (a <p>), not one of the widget's live regions inside <aicado-agent>.
    await expect.poll(() => page.locator('p[role="status"]').innerText()).toContain('"A_ID"');
    from = receiver.output().length;
    await askInWidget(page, `third from ${app.name}`);
    expect((await receiver.nextEvent(from)).event.data.params).toStrictEqual({ user_id: app.user, plan: 'pro' });
    expect(console.errors).toEqual([expect.stringContaining('A_ID')]);

    await page.getByRole('button', { name: 'Toggle chat' }).click();
    await page.waitForFunction(() => !document.querySelector('aicado-embed') && !document.querySelector('aicado-agent'));
    expect(await page.locator('aicado-embed').count()).toBe(0);
    expect(await windowListeners(page)).toBe(before);
    await page.close();
  });
});
