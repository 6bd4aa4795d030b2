import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type BackendProcess } from './support/backend.js';
import { launchBrowser, recordConsole } from './support/browser.js';
import { DIST, newWebhookSecret, queuePage } from './support/fixture.js';
import { startStaticServer } from './support/http.js';
import { startReceiver } from './support/receiver.js';

// A page on an origin the backend does not allow, as a new user meets it: the site owner learns why in
// the console, the visitor sees a short notice, and the widget does not hammer the API.
let site: Awaited<ReturnType<typeof startStaticServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let refusing: BackendProcess;
let defaults: BackendProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  site = await startStaticServer(DIST);
  receiver = await startReceiver();
  refusing = await startBackend({
    webhookUrl: `${receiver.url}/webhooks`,
    webhookSecret: newWebhookSecret(),
    allowedOrigins: ['https://shop.example'],
  });
  // No --allowed-origin at all: the reference backend's default, loopback on any port.
  defaults = await startBackend({ webhookUrl: `${receiver.url}/webhooks`, webhookSecret: newWebhookSecret(), allowedOrigins: [] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([refusing?.stop(), defaults?.stop()]);
  await receiver?.close();
  await site?.close();
});

const page = (path: string, apiBase: string) => {
  site.pages.set(path, {
    body: queuePage(`Aicado('init', ${JSON.stringify({ agentId: 'demo', apiBase, storage: 'memory', open: true })});`),
  });
  return `${site.url.replace('127.0.0.1', 'localhost')}${path}`;
};

describe('origins', () => {
  it('a loopback page against a backend started with no --allowed-origin gets answers', async () => {
    const p = await browser.newPage();
    await p.goto(page('/default.html', defaults.url));
    const input = p.locator('aicado-embed textarea');
    await input.fill('hello');
    await input.press('Enter');
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "hello"' }).waitFor({ timeout: 15_000 });
    await p.close();
  });

  it('a refused origin: the visitor notice within 2 s, exactly one request, the console names the origin', async () => {
    const p = await browser.newPage();
    const log = recordConsole(p);
    const webhooksBefore = receiver.received.length;
    const posts: string[] = [];
    p.on('request', (request) => {
      if (request.url().startsWith(refusing.url) && request.method() === 'POST') posts.push(request.url());
    });
    await p.goto(page('/refused.html', refusing.url));
    const input = p.locator('aicado-embed textarea');
    await input.fill('hello');
    const sent = Date.now();
    await input.press('Enter');
    await p.locator('aicado-embed .status.error', { hasText: "This chat isn't available on this site." }).waitFor({ timeout: 2_000 });
    expect(Date.now() - sent).toBeLessThan(2_000);
    await input.fill('again');
    await input.press('Enter');
    await expect.poll(() => p.locator('aicado-embed .status.error').count()).toBe(2);
    await p.waitForTimeout(500); // a retry would have left by now
    expect(posts).toHaveLength(1);
    const origin = new URL(p.url()).origin;
    expect(log.errors.filter((line) => line.includes(`--allowed-origin ${origin}`))).toHaveLength(1);
    expect(receiver.received).toHaveLength(webhooksBefore); // no model run, no webhook
    await p.close();
  });
});
