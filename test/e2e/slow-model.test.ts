import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type BackendProcess } from './support/backend.js';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { startRecordingProxy } from './support/http.js';
import { completed, ofType, waitForType } from '../support/webhook-events.js';

// A model that thinks 45 s before its first token (tool calls, reasoning), longer than the SDK's 30 s idle
// watchdog: the backend's heartbeats keep the one request alive. On the built bundle in Chromium.
const FIRST_TOKEN_MS = 45_000;
let loop: Awaited<ReturnType<typeof startLoop>>;
let slow: BackendProcess;
let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;

beforeAll(async () => {
  loop = await startLoop();
  slow = await startBackend({
    webhookUrl: `${loop.receiver.url}/webhooks`,
    webhookSecret: loop.secret,
    allowedOrigins: [loop.site.url],
    extra: ['--first-token-delay-ms', String(FIRST_TOKEN_MS)],
  });
  proxy = await startRecordingProxy(slow.url);
});
afterAll(async () => {
  await proxy?.close();
  await slow?.stop();
  await loop?.close();
});

describe('a model 45 s from its first token', () => {
  it('one request, no retry, no error event, the answer shown, one webhook', async () => {
    loop.site.pages.set('/slow-model.html', {
      body: queuePage(
        `window.__events = [];
         ['error', 'query', 'response'].forEach(function (name) { Aicado('on', name, function (e) { window.__events.push(name + ':' + (e.error ? e.error.code : '')); }); });
         Aicado('init', { agentId: 'demo', apiBase: '${proxy.url}', open: true, storage: 'memory', params: { user_id: 'u_slow' } });`,
      ),
    });
    const page = await loop.browser.newPage();
    await page.goto(`${loop.site.url}/slow-model.html`);
    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.waitFor();
    // Every notice a message shows while the visitor waits ("Connection problem, retrying…", a failure).
    await page.evaluate(() => {
      const root = document.querySelector('aicado-embed')!.shadowRoot!;
      const w = window as unknown as { __notices: string[] };
      w.__notices = [];
      new MutationObserver(() => {
        for (const notice of root.querySelectorAll('.msg .status')) w.__notices.push(notice.textContent ?? '');
      }).observe(root, { childList: true, subtree: true, characterData: true });
    });
    await input.fill('think for a long time');
    const sentAt = Date.now();
    await input.press('Enter');
    await page
      .locator('aicado-embed .msg.agent', { hasText: 'You said: "think for a long time"' })
      .waitFor({ timeout: FIRST_TOKEN_MS + 20_000 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 1000);
    await waitForType(loop.receiver, 'query.completed', 1);

    const posts = proxy.forwarded.filter((request) => request.method === 'POST' && request.path.endsWith('/queries'));
    expect(posts).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { __events: string[] }).__events)).toEqual(['query:', 'response:']);
    expect(await page.evaluate(() => (window as unknown as { __notices: string[] }).__notices)).toEqual([]);
    expect(ofType(loop.receiver.received, 'query.completed')).toHaveLength(1);
    const [webhook] = ofType(loop.receiver.received, 'query.completed');
    const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
    expect(event.data.input).toBe('think for a long time');
    expect(event.data.params).toStrictEqual({ user_id: 'u_slow' });
    await page.close();
  }, 90_000);
});
