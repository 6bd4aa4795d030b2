import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { startLoop } from './support/fixture.js';
import { completed, waitForType } from '../support/webhook-events.js';
import { SCRIPT_TAG } from './support/script-tag.js';

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop();
});
afterAll(async () => {
  await loop?.close();
});

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

describe('under a strict Content-Security-Policy', () => {
  it('the data-attribute install renders, answers a query and fires its webhook with zero CSP violations', async () => {
    loop.receiver.received.length = 0;
    const policy = `default-src 'self'; script-src 'self'; style-src 'self'; connect-src ${loop.backend.url}`;
    const params = { user_id: 'u_csp', plan: 'pro', seats: 3, beta: true, ref: null };
    loop.site.pages.set('/csp.html', {
      headers: { 'content-security-policy': policy },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict CSP</title></head><body>
<main><h1>Strict CSP host</h1></main>
<script async src="${SCRIPT_TAG.src}" data-agent-id="demo" data-api-base="${loop.backend.url}"
  data-params='${JSON.stringify(params)}'></script></body></html>`,
    });
    const page = await loop.browser.newPage();
    // In place before any page script runs; init scripts are not subject to the page's CSP.
    await page.addInitScript(() => {
      const record = window as unknown as { __violations: Violation[] };
      record.__violations = [];
      document.addEventListener(
        'securitypolicyviolation',
        (event) => record.__violations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample }),
        true,
      );
    });
    const log = recordConsole(page);
    const response = await page.goto(`${loop.site.url}/csp.html`);
    expect(response?.headers()['content-security-policy']).toBe(policy);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);

    const launcher = page.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    // The widget's stylesheet applied (a constructable sheet, which style-src 'self' allows).
    expect(await launcher.evaluate((element) => [getComputedStyle(element).position, getComputedStyle(element).borderRadius])).toEqual([
      'fixed',
      '50%',
    ]);
    await launcher.click();
    const input = page.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Hello under CSP');
    await input.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'You said: "Hello under CSP"' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => !document.querySelector('aicado-embed')?.shadowRoot?.querySelector('[aria-busy="true"]'));
    // The composer grows through CSSOM on input, which CSP allows: typing once more exercises it.
    await input.fill('a\nb\nc');

    const [webhook] = await waitForType(loop.receiver, 'query.completed', 1);
    const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
    expect(event.data.input).toBe('Hello under CSP');
    expect(event.data.params).toStrictEqual(params);

    await page.waitForTimeout(200);
    const violations = await page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
    expect(violations).toEqual([]);
    expect(log.errors.filter((line) => /Content.Security.Policy|Refused to/i.test(line))).toEqual([]);
    expect(log.errors).toEqual([]);

    // The policy is really enforced on this page: an inline script is refused and reported as a violation.
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    });
    await page.waitForFunction(() => (window as unknown as { __violations: Violation[] }).__violations.length > 0);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    await page.close();
  });
});
