import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEntry } from '../../src/contract/agents-file.js';
import { ROOT, startBackend, type BackendProcess } from './support/backend.js';
import { launchBrowser, recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { DIST, queuePage } from './support/fixture.js';
import { startStaticServer } from './support/http.js';
import { startReceiver } from './support/receiver.js';
import { completed, ofType, waitForType } from '../support/webhook-events.js';

// The agents of demo/agents.json on the built script tag: the definition is asked for after the
// launcher has painted, once per page load, and then a typo or a wrong type is refused in the page,
// before any request leaves; each agent's webhooks go to its own URL, signed with its own secret.

const demoFile = JSON.parse(readFileSync(join(ROOT, 'demo/agents.json'), 'utf8')) as { agents: Record<string, AgentEntry> };
const secretOf = (id: string) => demoFile.agents[id]!.webhookSecret!;

let site: Awaited<ReturnType<typeof startStaticServer>>;
let receivers: Record<string, Awaited<ReturnType<typeof startReceiver>>>;
let backend: BackendProcess;
let browser: Browser;

beforeAll(async () => {
  site = await startStaticServer(DIST);
  receivers = { demo: await startReceiver(), 'demo-inline': await startReceiver() };
  const agents = Object.fromEntries(
    Object.entries(demoFile.agents).map(([id, entry]) => [id, { ...entry, webhookUrl: `${receivers[id]!.url}/webhooks/${id}` }]),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'aicado-agents-')), 'agents.json');
  writeFileSync(file, JSON.stringify({ agents }));
  backend = await startBackend({ agentsFile: file, webhookSecret: secretOf('demo'), allowedOrigins: [site.url] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  for (const receiver of Object.values(receivers ?? {})) await receiver.close();
  await site?.close();
});

/**
 * A page with the queue install whose instrumentation runs first: it counts the frames that rendered
 * the launcher, and notes how many there had been when the definition was asked for.
 */
async function openPage(
  calls: string,
  prepare?: (page: Page) => Promise<unknown>,
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const path = `/p${Math.random().toString(36).slice(2)}.html`;
  site.pages.set(path, {
    body: queuePage(`
      window.__errors = [];
      Aicado('on', 'error', function (e) { window.__errors.push({ code: e.error.code, keys: e.error.issues.map(function (i) { return i.key + ':' + i.code; }) }); });
      ${calls}`),
  });
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __launcherFrames: number; __framesAtDefinition: number[] };
    w.__launcherFrames = 0;
    w.__framesAtDefinition = [];
    const count = () => {
      if (document.querySelector('aicado-embed')?.shadowRoot?.querySelector('button.launcher')) w.__launcherFrames++;
      requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    const original = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      if (String(input).endsWith('/v1/agents/demo') && (init?.method ?? 'GET') === 'GET') w.__framesAtDefinition.push(w.__launcherFrames);
      return original.call(this, input, init);
    };
  });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(backend.url)) requests.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  const log = recordConsole(page);
  await prepare?.(page);
  await page.goto(`${site.url}${path}`);
  return { page, requests, errors: log.errors };
}

const definitionArrived = (page: Page) =>
  page
    .waitForResponse((response) => response.url().endsWith('/v1/agents/demo') && response.request().method() === 'GET')
    .then(() => page.waitForTimeout(50));
const errorsOf = (page: Page) => page.evaluate(() => (window as unknown as { __errors: { code: string; keys: string[] }[] }).__errors);

describe('agent definitions in the browser (demo/agents.json, built script tag)', () => {
  it('the definition is asked for only after the launcher has painted, and once per page load', async () => {
    const { page, requests } = await openPage(
      `Aicado('init', { agentId: 'demo', apiBase: '${backend.url}', params: { user_id: 'u_42' } });`,
    );
    await definitionArrived(page);
    const frames = await page.evaluate(() => (window as unknown as { __framesAtDefinition: number[] }).__framesAtDefinition);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toBeGreaterThanOrEqual(1);

    // A query, then destroy and init again as an SPA's route change would: still one definition request.
    await page.evaluate(() =>
      (window as unknown as { Aicado: (...args: unknown[]) => Promise<unknown> }).Aicado('send', 'Where is my order?'),
    );
    await page.evaluate((apiBase) => {
      const aicado = (window as unknown as { Aicado: (...args: unknown[]) => unknown }).Aicado;
      aicado('destroy');
      aicado('init', { agentId: 'demo', apiBase, params: { user_id: 'u_42' } });
    }, backend.url);
    await page.waitForTimeout(300);
    expect(requests.filter((request) => request === 'GET /v1/agents/demo')).toHaveLength(1);
    expect(requests.filter((request) => request.startsWith('POST'))).toEqual(['POST /v1/agents/demo/queries']);
    await page.close();
  });

  it('once it is known, user_Id is refused as undeclared_param and a number for a declared string as invalid_param_type, before any request leaves', async () => {
    const { page, requests, errors } = await openPage(
      `Aicado('init', { agentId: 'demo', apiBase: '${backend.url}', params: { user_Id: 'u_42' } });`,
    );
    await definitionArrived(page);
    // The init params are reported when the definition arrives, on the console too.
    expect(await errorsOf(page)).toEqual([{ code: 'undeclared_param', keys: ['user_Id:undeclared_param'] }]);
    expect(errors.some((line) => line.includes('"user_Id" is not declared (did you mean "user_id"?)'))).toBe(true);

    await page.evaluate(() => {
      const aicado = (window as unknown as { Aicado: (...args: unknown[]) => unknown }).Aicado;
      aicado('send', 'this must not leave');
      aicado('setParams', { user_Id: undefined, user_id: 42 });
    });
    await page.waitForTimeout(300);
    expect((await errorsOf(page)).slice(1)).toEqual([
      { code: 'undeclared_param', keys: ['user_Id:undeclared_param'] },
      { code: 'invalid_param_type', keys: ['user_id:invalid_param_type'] },
    ]);
    expect(requests.filter((request) => request.startsWith('POST'))).toEqual([]);
    await page.close();
  });

  it('a query sent before the definition arrives is refused by the backend, naming the key; nothing is delivered', async () => {
    const delivered = ofType(receivers.demo!.received, 'query.completed').length;
    const { page, requests } = await openPage(
      `
      Aicado('init', { agentId: 'demo', apiBase: '${backend.url}', params: { user_Id: 'u_42' } });
      Aicado('send', 'sent at once');`,
      async (page) => {
        // The query waits for the conversation's code; the definition could come first, and the page would
        // then refuse the query itself. Here the definition arrives only once the query has left.
        let posted: () => void = () => undefined;
        const queryPosted = new Promise<void>((resolve) => (posted = resolve));
        page.on(
          'request',
          (request) => void (request.method() === 'POST' && request.url().endsWith('/v1/agents/demo/queries') && posted()),
        );
        await page.route(`${backend.url}/v1/agents/demo`, async (route) => {
          await queryPosted;
          await route.continue();
        });
      },
    );
    // Two reports, in either order: the backend's refusal of the query, and the check when the definition arrived.
    await page.waitForFunction(() => (window as unknown as { __errors: unknown[] }).__errors.length >= 2);
    expect(await errorsOf(page)).toEqual([
      { code: 'undeclared_param', keys: ['user_Id:undeclared_param'] },
      { code: 'undeclared_param', keys: ['user_Id:undeclared_param'] },
    ]);
    expect(requests).toContain('POST /v1/agents/demo/queries');
    await page.waitForTimeout(300);
    expect(ofType(receivers.demo!.received, 'query.completed')).toHaveLength(delivered);
    await page.close();
  });

  it("valid params reach that agent's own webhook URL, signed with its own secret; the other agent's receiver gets nothing", async () => {
    receivers.demo!.received.length = 0;
    receivers['demo-inline']!.received.length = 0;
    const params = { user_id: 'u_42', session_id: 'sess_1', plan: 'pro' };
    const { page } = await openPage(`Aicado('init', { agentId: 'demo', apiBase: '${backend.url}', params: ${JSON.stringify(params)} });`);
    await definitionArrived(page);
    await page.evaluate(() =>
      (window as unknown as { Aicado: (...args: unknown[]) => Promise<unknown> }).Aicado('send', 'Where is my order?'),
    );
    const [webhook] = await waitForType(receivers.demo!, 'query.completed', 1);
    const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, secretOf('demo')));
    expect(event.data).toMatchObject({ agent_id: 'demo', input: 'Where is my order?', params });
    expect(() => shipped.verifyWebhook(webhook!.body, webhook!.headers, secretOf('demo-inline'))).toThrow();
    await page.waitForTimeout(300);
    expect(receivers['demo-inline']!.received).toHaveLength(0);
    await page.close();
  });
});
