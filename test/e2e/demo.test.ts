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
    await page.locator('#answers td', { hasText: 'Is the demo real?' }).first().waitFor({ timeout: 15_000 });
    const stored = (await (await fetch(`${url}/api/answers`)).json()) as {
      user_id: string;
      session_id: string;
      input: string;
      params: unknown;
    }[];
    expect(stored[0]).toMatchObject({
      agent_id: 'demo',
      user_id: 'u_42',
      session_id: 'sess_demo_1',
      input: 'Is the demo real?',
      params: { user_id: 'u_42', session_id: 'sess_demo_1', plan: 'pro' },
    });
    expect(await page.locator('#chat aicado-embed').count()).toBe(1);
    expect(log.errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
