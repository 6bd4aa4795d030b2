import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { shipped } from './support/dist.js';
import { queuePage, startLoop } from './support/fixture.js';
import { waitForType } from '../support/webhook-events.js';

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--agent', 'sales', '--agent', 'support']);
});
afterAll(async () => {
  await loop?.close();
});

const SALES = { user_id: 'u_1', team: 'sales', budget: 5000 };
const SUPPORT = { user_id: 'u_1', ticket: 'T-7', urgent: true };

/** The widget of one agent (its host element carries the agent id). */
const widget = (page: Page, agentId: string): Locator => page.locator(`aicado-embed[data-agent-id="${agentId}"]`);

async function ask(page: Page, agentId: string, text: string): Promise<void> {
  const input = widget(page, agentId).getByRole('textbox');
  await input.fill(text);
  await input.press('Enter');
  await widget(page, agentId)
    .locator('.msg.agent', { hasText: `You said: "${text}"` })
    .waitFor({ timeout: 15_000 });
}

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('two agents on one page', () => {
  it('each webhook has its own agent_id and exactly its own params; a queue call without agentId is refused naming both; launchers and panels do not overlap', async () => {
    loop.receiver.received.length = 0;
    const api = loop.backend.url;
    loop.site.pages.set('/two.html', {
      body: queuePage(`
        window.__errors = [];
        Aicado('on', 'error', function (e) { window.__errors.push({ code: e.error.code, message: e.error.message }); });
        Aicado('init', { agentId: 'sales', apiBase: '${api}', params: ${JSON.stringify(SALES)}, title: 'Sales' });
        Aicado('init', { agentId: 'support', apiBase: '${api}', params: ${JSON.stringify(SUPPORT)}, title: 'Support' });
        Aicado('open');`),
    });
    const page = await loop.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    await page.goto(`${loop.site.url}/two.html`);
    await widget(page, 'support').locator('button.launcher').waitFor();

    // The queued Aicado('open') had no agentId while two agents run: refused, both named, nothing opened.
    await page.waitForFunction(() => (window as unknown as { __errors: unknown[] }).__errors.length > 0);
    const errors = await page.evaluate(() => (window as unknown as { __errors: { code: string; message: string }[] }).__errors);
    expect(errors).toEqual([{ code: 'agent_required', message: expect.stringContaining('"sales", "support"') }]);
    expect(consoleErrors).toEqual([expect.stringContaining("Aicado('open') failed")]);
    expect(await page.locator('aicado-embed section.panel.open').count()).toBe(0);

    const salesLauncher = (await widget(page, 'sales').locator('button.launcher').boundingBox())!;
    const supportLauncher = (await widget(page, 'support').locator('button.launcher').boundingBox())!;
    expect(overlap(salesLauncher, supportLauncher), JSON.stringify({ salesLauncher, supportLauncher })).toBe(false);

    await page.evaluate(() => (window as unknown as { Aicado: (...a: unknown[]) => void }).Aicado('open', { agentId: 'support' }));
    await ask(page, 'support', 'My order is broken');
    const supportPanel = (await widget(page, 'support').locator('section.panel').boundingBox())!;
    for (const launcher of [salesLauncher, supportLauncher]) expect(overlap(supportPanel, launcher)).toBe(false);

    // Opening the other agent closes this one: two panels never cover each other.
    await widget(page, 'sales').locator('button.launcher').click();
    await ask(page, 'sales', 'What does the pro plan cost?');
    expect(await widget(page, 'support').locator('section.panel.open').count()).toBe(0);
    const salesPanel = (await widget(page, 'sales').locator('section.panel').boundingBox())!;
    for (const launcher of [salesLauncher, supportLauncher]) expect(overlap(salesPanel, launcher)).toBe(false);

    const events = (await waitForType(loop.receiver, 'query.completed', 2)).map((w) =>
      shipped.verifyWebhook(w.body, w.headers, loop.secret),
    );
    const completed = events.flatMap((event) => (event.type === 'query.completed' ? [event.data] : []));
    const byAgent = Object.fromEntries(completed.map((data) => [data.agent_id, data]));
    expect(Object.keys(byAgent).sort()).toEqual(['sales', 'support']);
    expect(byAgent.sales!.params).toStrictEqual(SALES);
    expect(byAgent.sales!.input).toBe('What does the pro plan cost?');
    expect(byAgent.support!.params).toStrictEqual(SUPPORT);
    expect(byAgent.support!.input).toBe('My order is broken');
    expect(byAgent.sales!.conversation_id).not.toBe(byAgent.support!.conversation_id);
    await page.close();
  });

  it('bottom-start puts a launcher in the other corner; bottom-end follows the language direction', async () => {
    const api = loop.backend.url;
    loop.site.pages.set('/corners.html', {
      body: queuePage(`
        Aicado('init', { agentId: 'sales', apiBase: '${api}', storage: 'memory', theme: { position: 'bottom-start' } });
        Aicado('init', { agentId: 'support', apiBase: '${api}', storage: 'memory' });
        Aicado('init', { agentId: 'demo', apiBase: '${api}', storage: 'memory', locale: 'ar' });`),
    });
    const page = await loop.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${loop.site.url}/corners.html`);
    await widget(page, 'demo').locator('button.launcher').waitFor();
    const boxes = Object.fromEntries(
      await Promise.all(
        ['sales', 'support', 'demo'].map(async (id) => [id, (await widget(page, id).locator('button.launcher').boundingBox())!] as const),
      ),
    );
    expect(boxes.sales!.x).toBeLessThan(100); // left
    expect(boxes.support!.x).toBeGreaterThan(1100); // right
    expect(boxes.demo!.x).toBeLessThan(100); // Arabic: the end side is the left
    expect(overlap(boxes.sales!, boxes.demo!)).toBe(false);
    expect(boxes.demo!.y).toBeLessThan(boxes.sales!.y); // stacked above the first launcher of its corner
    await page.close();
  });
});
