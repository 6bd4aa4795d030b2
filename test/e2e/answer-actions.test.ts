import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './support/axe.js';
import { recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { completed, feedback, ofType, QUERY_EVENT_TYPES, waitForType } from '../support/webhook-events.js';

// Answer actions and feedback that reach the webhook, each promised behaviour a test, on the
// built script-tag bundle in Chromium against the reference backend. Deltas come every 120 ms, so that
// an answer is still streaming when the test presses Stop.
const DELTA_MS = 120;
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--delta-delay-ms', String(DELTA_MS), '--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});
beforeEach(() => {
  loop.receiver.received.length = 0;
});

type Aicado = (method: string, ...args: unknown[]) => unknown;
const PARAMS = { user_id: 'u_42', session_id: 's_7', plan: 'pro' };

function page(path: string, options: Record<string, unknown>, calls = ''): string {
  const init = JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, params: PARAMS, ...options });
  loop.site.pages.set(path, {
    body: queuePage(`Aicado('init', ${init});
      window.__responses = [];
      Aicado('on', 'response', function (e) { window.__responses.push(e.queryId); });
      ${calls}`),
  });
  return `${loop.site.url}${path}`;
}

/** The first `count` webhooks about queries (answers and ratings), verified. */
const events = async (count: number) =>
  (await waitForType(loop.receiver, QUERY_EVENT_TYPES, count)).map((w) => shipped.verifyWebhook(w.body, w.headers, loop.secret));
/** The webhooks about queries received so far. */
const queryEvents = () => ofType(loop.receiver.received, QUERY_EVENT_TYPES);
const lastQueryId = (p: Page) => p.evaluate(() => (window as unknown as { __responses: string[] }).__responses.at(-1) ?? '');
const idle = (p: Page) => p.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
/** The agent's last answer as the visitor sees it: its markdown blocks' text. */
const shownText = (p: Page) =>
  p.evaluate(() => {
    const answers = document.querySelector('aicado-embed')!.shadowRoot!.querySelectorAll('.msg.agent:not(.greeting)');
    const last = answers[answers.length - 1];
    return [...(last?.querySelectorAll('.md-p, .md-list') ?? [])].map((block) => block.textContent).join('\n');
  });
const inWidget = (p: Page, selector: string) => p.locator(`aicado-embed ${selector}`);

describe('starter prompts', () => {
  it('a chip click sends its text; the webhook carries the page params', async () => {
    const p = await loop.browser.newPage();
    const log = recordConsole(p);
    await p.goto(page('/chips.html', { open: true, storage: 'memory', suggestions: ['Where is my order?', 'Talk to sales'] }));
    await inWidget(p, '.chip').first().waitFor();
    expect(await inWidget(p, '.chips').getAttribute('aria-label')).toBe('Suggested questions');
    await p.getByRole('button', { name: 'Where is my order?' }).click();
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Where is my order?"' }).waitFor({ timeout: 15_000 });
    expect(await inWidget(p, '.chips').count()).toBe(0);
    const [event] = await events(1);
    const answer = completed(event!);
    expect(answer.data.input).toBe('Where is my order?');
    expect(answer.data.params).toStrictEqual(PARAMS);
    expect(log.errors).toEqual([]);
    await p.close();
  });
});

describe('stop', () => {
  it('stops mid-stream: the text stops growing within 200 ms; one webhook, "stopped", output = the text shown; no retry after a reload', async () => {
    const p = await loop.browser.newPage();
    await p.goto(page('/stop.html', { open: true, storage: 'local' }));
    await p.locator('aicado-embed .messages').waitFor(); // the open panel is mounted when its code has loaded
    // Every change of the answer's text, timed in the page, and the moment Stop is pressed.
    await p.evaluate(() => {
      const w = window as unknown as { __changes: number[]; __stopAt: number };
      w.__changes = [];
      const root = document.querySelector('aicado-embed')!.shadowRoot!;
      new MutationObserver(() => w.__changes.push(performance.now())).observe(root.querySelector('.messages')!, {
        characterData: true,
        childList: true,
        subtree: true,
      });
      root.addEventListener(
        'click',
        (event) => {
          if ((event.target as Element).closest('button.stop')) w.__stopAt = performance.now();
        },
        true,
      );
    });
    const input = p.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Tell me everything about my order and its many details please');
    await input.press('Enter');
    await p.waitForFunction(
      () =>
        (document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.msg.agent:last-child .md-p')?.textContent ?? '').split(' ')
          .length >= 4,
    );
    await p.getByRole('button', { name: 'Stop' }).click();
    await p.locator('aicado-embed .msg.agent .status', { hasText: 'Stopped' }).waitFor();
    const [event] = await events(1);
    // Room for any delta still on its way to show up (there must be none): a few delta intervals.
    await p.waitForTimeout(DELTA_MS * 3);
    const { changes, stopAt } = await p.evaluate(() => {
      const w = window as unknown as { __changes: number[]; __stopAt: number };
      return { changes: w.__changes, stopAt: w.__stopAt };
    });
    const textChanges = changes.filter((at) => at > stopAt);
    expect(Math.max(stopAt, ...textChanges) - stopAt).toBeLessThan(200);

    const stopped = completed(event!);
    expect(stopped.data.status).toBe('stopped');
    expect(stopped.data.params).toStrictEqual(PARAMS);
    const shown = await shownText(p);
    expect(shown.length).toBeGreaterThan(0);
    expect(stopped.data.output.trim()).toBe(shown.trim());
    expect(stopped.data.output).not.toContain('Params received');
    expect(queryEvents()).toHaveLength(1);

    // After a reload the stopped answer is shown as it was and the query is not sent again.
    const queries: string[] = [];
    p.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/queries')) queries.push(request.url());
    });
    await p.reload();
    await p.locator('aicado-embed .msg.agent .status', { hasText: 'Stopped' }).waitFor();
    expect((await shownText(p)).trim()).toBe(stopped.data.output.trim());
    await p.waitForTimeout(500);
    expect(queries).toEqual([]);
    expect(queryEvents()).toHaveLength(1);
    await p.close();
  });
});

describe('feedback', () => {
  it("rated up, params changed, rated down: two query.feedback webhooks with the rated query's params; down again sends nothing; a forged query_id is 404", async () => {
    const p = await loop.browser.newPage();
    await p.goto(page('/rate.html', { open: true, storage: 'memory' }));
    const input = p.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Rate me');
    await input.press('Enter');
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Rate me"' }).waitFor({ timeout: 15_000 });
    await idle(p);
    const queryId = await lastQueryId(p);
    await events(1);

    const up = p.getByRole('button', { name: 'Helpful', exact: true });
    const down = p.getByRole('button', { name: 'Not helpful', exact: true });
    await up.click();
    await p.waitForFunction(
      () =>
        document.querySelector('aicado-embed')!.shadowRoot!.querySelector('[aria-label="Helpful"]')!.getAttribute('aria-pressed') ===
        'true',
    );
    await p.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('setParams', { user_id: 'u_other', plan: 'free' }));
    await down.click();
    await p.waitForFunction(
      () =>
        document.querySelector('aicado-embed')!.shadowRoot!.querySelector('[aria-label="Not helpful"]')!.getAttribute('aria-pressed') ===
        'true',
    );
    expect(await up.getAttribute('aria-pressed')).toBe('false');
    const ratings = (await events(3)).slice(1).map(feedback);
    expect(ratings.map((event) => event.data.rating)).toEqual(['up', 'down']);
    for (const event of ratings) {
      expect(event.data).toMatchObject({ agent_id: 'demo', query_id: queryId });
      expect(event.data.params).toStrictEqual(PARAMS);
    }

    // The same rating again, through the API: accepted, and no webhook.
    await p.evaluate((id) => (window as unknown as { Aicado: Aicado }).Aicado('rate', id, 'down'), queryId);
    const forged = await p.evaluate(async (apiBase) => {
      const response = await fetch(`${apiBase}/v1/agents/demo/queries/q_forgedforged01/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversation_id: 'c_forgedforged01', rating: 'up' }),
      });
      return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    }, loop.backend.url);
    expect(forged).toEqual([404, 'unknown_query']);
    await p.waitForTimeout(500);
    expect(queryEvents()).toHaveLength(3);
    await p.close();
  });
});

describe('unread badge, own launcher, DOM events', () => {
  it('the badge appears with the panel closed and clears on open; aicado:response on document fires once per answer', async () => {
    const p = await loop.browser.newPage();
    await p.goto(
      page(
        '/badge.html',
        { storage: 'memory' },
        `window.__domResponses = [];
         document.addEventListener('aicado:response', function (e) { window.__domResponses.push(e.detail); });
         document.addEventListener('aicado:response', function () { throw new Error('a tag manager bug'); });
         document.addEventListener('aicado:response', function (e) { window.__domResponses.push('after a throwing listener'); });`,
      ),
    );
    await p.getByRole('button', { name: 'Open chat' }).waitFor();
    await p.evaluate(() =>
      Promise.all([
        (window as unknown as { Aicado: Aicado }).Aicado('send', 'first'),
        (window as unknown as { Aicado: Aicado }).Aicado('send', 'second'),
      ]),
    );
    await p.locator('aicado-embed .badge', { hasText: '2' }).waitFor();
    expect(await p.getByRole('button', { name: 'Open chat, 2 new messages' }).count()).toBe(1);
    expect(await inWidget(p, '.unread').textContent()).toBe('2 new messages');
    const dom = await p.evaluate(() => (window as unknown as { __domResponses: unknown[] }).__domResponses);
    expect(dom.filter((entry) => entry !== 'after a throwing listener')).toEqual([
      expect.objectContaining({ agentId: 'demo', queryId: expect.stringMatching(/^q_/), status: 'completed' }),
      expect.objectContaining({ agentId: 'demo', queryId: expect.stringMatching(/^q_/), status: 'completed' }),
    ]);
    expect(dom.filter((entry) => entry === 'after a throwing listener')).toHaveLength(2);
    await p.getByRole('button', { name: 'Open chat, 2 new messages' }).click();
    await p.waitForFunction(() => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('.badge')!.textContent === '');
    expect(await inWidget(p, '.launcher').getAttribute('aria-expanded')).toBe('true');
    expect(await inWidget(p, '.unread').textContent()).toBe('');
    await p.close();
  });

  it('launcher: false shows no launcher; open() from a host button works and focus returns to it', async () => {
    // The data-attribute install, for builders that only allow attributes.
    loop.site.pages.set('/own-launcher-attr.html', {
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Own launcher</title></head><body><main><h1>Shop</h1>
<button id="help" type="button">Help</button></main>
<script async src="/aicado-embed.iife.js" data-agent-id="demo" data-api-base="${loop.backend.url}" data-storage="memory" data-launcher="none"></script>
<script>document.getElementById('help').addEventListener('click', function () { Aicado('toggle'); });</script>
</body></html>`,
    });
    const p = await loop.browser.newPage();
    await p.goto(`${loop.site.url}/own-launcher-attr.html`);
    await p.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.querySelector('section.panel'));
    expect(await inWidget(p, 'button.launcher').count()).toBe(0);
    await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('help');
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.tagName === 'TEXTAREA');
    await p.keyboard.press('Escape');
    await p.waitForFunction(() => document.activeElement?.id === 'help');
    expect(await inWidget(p, 'section.panel.open').count()).toBe(0);
    await p.close();
  });
});

describe('accessibility of the new controls', () => {
  it('axe: zero violations with chips, actions and badge visible; every new control is reachable and usable by keyboard', async () => {
    const p = await loop.browser.newPage({ viewport: { width: 1024, height: 760 } });
    await p.goto(page('/a11y-actions.html', { storage: 'memory', suggestions: ['Where is my order?', 'Talk to sales'] }));
    await p.getByRole('button', { name: 'Open chat' }).waitFor();
    await p.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('send', 'Unread while closed'));
    await p.locator('aicado-embed .badge').waitFor();
    expect(await axeViolations(p)).toEqual([]);

    // Keyboard only from here: Tab to the launcher, open, back to the chips, Enter on one.
    await p.evaluate(() => (window as unknown as { Aicado: Aicado }).Aicado('reset'));
    const focused = () =>
      p.evaluate(() => {
        const active = document.querySelector('aicado-embed')?.shadowRoot?.activeElement;
        return active ? (active.getAttribute('aria-label') ?? active.textContent ?? active.tagName) : null;
      });
    await p.keyboard.press('Tab');
    expect(await focused()).toMatch(/^Open chat/);
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.querySelector('aicado-embed')?.shadowRoot?.activeElement?.tagName === 'TEXTAREA');
    await p.waitForFunction(
      () => document.querySelector('aicado-embed')!.shadowRoot!.querySelector('section.panel')!.getAnimations().length === 0,
    );
    expect(await inWidget(p, '.chip').count()).toBe(2);
    expect(await axeViolations(p)).toEqual([]);
    const reached = new Set<string>();
    for (let i = 0; i < 8 && !reached.has('Talk to sales'); i++) {
      await p.keyboard.press('Shift+Tab');
      reached.add(String(await focused()));
    }
    expect(reached).toContain('Talk to sales');
    await p.keyboard.press('Enter');
    // While it streams, Stop is reachable from the composer.
    await p.getByRole('button', { name: 'Stop' }).waitFor();
    await p.locator('aicado-embed textarea').focus();
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('Stop');
    await p.locator('aicado-embed .msg.agent', { hasText: 'You said: "Talk to sales"' }).waitFor({ timeout: 15_000 });
    await idle(p);
    expect(await axeViolations(p)).toEqual([]);

    // Copy, Helpful and Not helpful: reached with Tab, pressed with Enter and Space.
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: loop.site.url });
    await p.locator('aicado-embed .messages').focus();
    const controls: string[] = [];
    for (let i = 0; i < 10 && controls.length < 3; i++) {
      await p.keyboard.press('Tab');
      const name = String(await focused());
      if (['Copy', 'Helpful', 'Not helpful'].includes(name) && !controls.includes(name)) controls.push(name);
      if (name === 'Copy') {
        await p.keyboard.press('Enter');
        await p.locator('aicado-embed .copied', { hasText: 'Copied' }).waitFor();
      }
      if (name === 'Helpful') await p.keyboard.press('Space');
    }
    expect(controls).toEqual(['Copy', 'Helpful', 'Not helpful']);
    await p.waitForFunction(
      () =>
        document.querySelector('aicado-embed')!.shadowRoot!.querySelector('[aria-label="Helpful"]')!.getAttribute('aria-pressed') ===
        'true',
    );
    expect(await p.evaluate(() => navigator.clipboard.readText())).toContain('You said: "Talk to sales"');
    expect(await axeViolations(p)).toEqual([]);
    await p.close();
  });
});
