import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { recordConsole } from './support/browser.js';
import { startLoop } from './support/fixture.js';
import { SCRIPT_TAG } from './support/script-tag.js';

// The developer sees each final failure where they look first, the console, with no `error` listener on
// the page: one `[aicado] <code>: …` line per cause, however many queries it fails, naming the fix.

let loop: Awaited<ReturnType<typeof startLoop>>;
let closedPort: number;

beforeAll(async () => {
  loop = await startLoop();
  // A port nothing listens on: a backend that stays down.
  closedPort = await freePort();
});
afterAll(async () => {
  await loop?.close();
});

const SENDS = 5;

/** A page that queues init and five sends for `options`, and no error listener. */
const page = (options: Record<string, unknown>) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console</title></head>
<body><header><nav><a href="/">Shop</a></nav></header><main><h1>Orders</h1></main><script>
window.Aicado = window.Aicado || function () { (Aicado.q = Aicado.q || []).push(arguments); };
Aicado('init', ${JSON.stringify({ agentId: 'demo', storage: 'memory', open: true, ...options })});
for (let i = 1; i <= ${SENDS}; i++) Aicado('send', 'Where is order ' + i + '?');
</script><script async src="${SCRIPT_TAG.src}"></script></body></html>`;

/** Loads the page, waits until each of the five queries has failed, and returns the console's `[aicado]` lines. */
async function aicadoLines(name: string, options: Record<string, unknown>, timeoutMs = 15_000, site = loop.site.url): Promise<string[]> {
  loop.site.pages.set(`/${name}.html`, { body: page(options) });
  const tab = await loop.browser.newPage();
  const log = recordConsole(tab);
  await tab.goto(`${site}/${name}.html`);
  await tab.waitForFunction(
    (sends) => document.querySelector('aicado-embed')?.shadowRoot?.querySelectorAll('.msg.agent .status.error').length === sends,
    SENDS,
    { timeout: timeoutMs },
  );
  await tab.waitForTimeout(300);
  await tab.close();
  return log.errors.filter((line) => line.startsWith('[aicado]'));
}

describe('with no error listener on the page, each final failure is one console line naming its fix', () => {
  it('an apiBase that ends in /v1: not_found, the route it asked for and what to check', async () => {
    const lines = await aicadoLines('wrong-api-base', { apiBase: `${loop.backend.url}/v1` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[aicado\] not_found: .*\/v1\/v1\/agents\/demo\/queries.*; check apiBase/);
  });

  it('an unknown agent: unknown_agent, and the agents this backend serves', async () => {
    const lines = await aicadoLines('unknown-agent', { apiBase: loop.backend.url, agentId: 'shop-bot' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[aicado\] unknown_agent: .*"shop-bot".*demo/);
  });

  it('a refused origin: origin_not_allowed, with the flag that allows it', async () => {
    // The same page server under another name: an origin the backend was not told to allow.
    const lines = await aicadoLines(
      'refused-origin',
      { apiBase: loop.backend.url },
      15_000,
      loop.site.url.replace('127.0.0.1', 'localhost'),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[aicado\] origin_not_allowed: .*--allowed-origin http:\/\/localhost:\d+/);
  });

  it('a backend that stays down: one network line once the retries give up, none while they run', async () => {
    const lines = await aicadoLines('backend-down', { apiBase: `http://127.0.0.1:${closedPort}` }, 45_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[aicado\] network: .*; check apiBase, and that the API is up/);
  }, 60_000);

  it('bad JSON in data-params: one invalid_params line naming the attribute, not a call the page never made', async () => {
    loop.site.pages.set('/bad-data-params.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console</title></head><body><main><h1>Shop</h1></main>
<script async src="${SCRIPT_TAG.src}" data-agent-id="demo" data-api-base="${loop.backend.url}" data-params='{user_id: u_42}'></script></body></html>`,
    });
    const tab = await loop.browser.newPage();
    const log = recordConsole(tab);
    await tab.goto(`${loop.site.url}/bad-data-params.html`);
    await tab.waitForFunction(() => (window as unknown as { Aicado?: { loaded?: boolean } }).Aicado?.loaded === true);
    await tab.waitForTimeout(300);
    await tab.close();
    const lines = log.errors.filter((line) => line.startsWith('[aicado]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[aicado\] invalid_params: Invalid params: data-params is not valid JSON .*write it like data-params=/);
    expect(lines[0]).not.toContain("Aicado('init')");
  });

  it("logLevel: 'silent' keeps them all out of the console", async () => {
    const lines = await aicadoLines('silent', { apiBase: `${loop.backend.url}/v1`, logLevel: 'silent' });
    expect(lines).toEqual([]);
  });
});
