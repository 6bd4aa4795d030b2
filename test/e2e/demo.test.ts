import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, recordConsole } from './support/browser.js';
import { startDemo, type DemoProcess } from './support/demo.js';

let demo: DemoProcess & { url: string };
let url = '';

beforeAll(async () => {
  demo = await startDemo();
  url = demo.url;
});

afterAll(async () => {
  await demo?.stop();
});

interface ReceivedEvent {
  type: string;
  agent_id: string;
  conversation_id: string;
  user_id: string | null;
  session_id: string | null;
  lines: string[];
  params: unknown;
}

it("npm run demo: a question asked in the bubble lands, verified, in the host app's SQLite and on the page", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const log = recordConsole(page);
    await page.goto(url);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.locator('aicado-embed[data-mode=bubble] textarea');
    await input.fill('Is the demo real?');
    await input.press('Enter');
    const answered = page.locator('#events tr[data-type="query.completed"]', { hasText: 'Is the demo real?' });
    await answered.waitFor({ timeout: 15_000 });
    const stored = (await (await fetch(`${url}/api/events`)).json()) as ReceivedEvent[];
    const completed = stored.find((event) => event.type === 'query.completed');
    expect(completed).toMatchObject({
      agent_id: 'demo',
      user_id: 'u_42',
      session_id: 'sess_demo_1',
      params: { user_id: 'u_42', session_id: 'sess_demo_1', plan: 'pro' },
    });
    expect(completed?.lines).toContain('Q: Is the demo real?');

    // The conversation's first question also started it: a line of its own, for the same conversation.
    const conversationId = completed!.conversation_id;
    const started = page.locator('#events tr[data-type="conversation.started"]', { hasText: conversationId });
    await started.waitFor({ timeout: 15_000 });
    expect(await started.count()).toBe(1);
    const cells = (row: typeof started) => row.locator('td').allInnerTexts();
    expect((await cells(started)).slice(1, 4)).toEqual(['conversation.started', 'demo', conversationId]);
    expect((await cells(answered)).slice(1, 4)).toEqual(['query.completed', 'demo', conversationId]);
    expect((await cells(answered))[6]).toMatch(/^Q: Is the demo real\?\nA: .+/s);

    expect(await page.locator('#chat aicado-embed').count()).toBe(1);
    expect(log.errors).toEqual([]);
  } finally {
    await browser.close();
  }
});

it('npm run demo: "New conversation" ends the conversation and "Talk to a person" hands one over, each shown with its transcript', async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const log = recordConsole(page);
    await page.goto(url);
    const input = page.locator('#chat aicado-embed textarea');
    await input.fill('Before the reset');
    await input.press('Enter');
    const answered = page.locator('#events tr[data-type="query.completed"]', { hasText: 'Before the reset' });
    await answered.waitFor({ timeout: 15_000 });
    const first = (await answered.locator('td').allInnerTexts())[3]!;

    await page.click('#reset');
    const ended = page.locator('#events tr[data-type="conversation.ended"]', { hasText: first });
    await ended.waitFor({ timeout: 15_000 });
    expect((await ended.locator('td').allInnerTexts())[6]).toContain('reason: reset · 1 turn · truncated: false');
    expect(await ended.locator('ol.transcript > li').allInnerTexts()).toEqual([
      expect.stringMatching(/^Q: Before the reset\nA: .+\nstatus: completed$/s),
    ]);

    // The next question starts a new conversation; the panel's hand-off action, by keyboard, hands it over.
    await input.fill('Before the hand-off');
    await input.press('Enter');
    const next = page.locator('#events tr[data-type="query.completed"]', { hasText: 'Before the hand-off' });
    await next.waitFor({ timeout: 15_000 });
    const second = (await next.locator('td').allInnerTexts())[3]!;
    expect(second).not.toBe(first);
    await page.locator('#events tr[data-type="conversation.started"]', { hasText: second }).waitFor({ timeout: 15_000 });
    await page.locator('#chat aicado-embed').getByRole('button', { name: 'Talk to a person' }).focus();
    await page.keyboard.press('Enter');
    const handoff = page.locator('#events tr[data-type="handoff.requested"]', { hasText: second });
    await handoff.waitFor({ timeout: 15_000 });
    expect(await handoff.locator('ol.transcript > li').count()).toBe(1);
    await page.locator('#events tr[data-type="conversation.ended"]', { hasText: second }).filter({ hasText: 'reason: handoff' }).waitFor();
    await page.locator('#chat aicado-embed', { hasText: 'Thanks — someone from our team will reply by email.' }).waitFor();
    expect(log.errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
