import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { WebhookEvent } from '../../src/contract/webhook-events.js';
import { axeViolations } from './support/axe.js';
import { recordConsole } from './support/browser.js';
import { startLoop } from './support/fixture.js';
import type { ReceivedWebhook } from './support/receiver.js';
import { SCRIPT_TAG } from './support/script-tag.js';
import { eventOf, waitForType } from '../support/webhook-events.js';

// The whole conversation reaching the site owner, in Chromium on the built script tag, on a host page with
// its own header, navigation, fonts and CSS: started once, the answers and a rating, ended with its
// transcript when the host resets, and a hand-off asked for from the panel by keyboard on a phone.
// Every webhook is checked with the standardwebhooks library itself.
let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});
beforeEach(() => {
  loop.receiver.received.length = 0;
});

const PARAMS = { user_id: 'u_42', session_id: 's_7', plan: 'pro' };

/** A realistic host page: its own header, nav, main, fonts and CSS around the pasted snippet. */
function hostPage(path: string, options: Record<string, unknown>): string {
  const init = JSON.stringify({ agentId: 'demo', apiBase: loop.backend.url, params: PARAMS, storage: 'local', ...options });
  loop.site.pages.set(path, {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Store</title>
<style>
  body { margin: 0; font: 17px/1.6 Georgia, "Times New Roman", serif; color: #222; background: #fafaf5; }
  header, nav, footer { padding: 12px 24px; background: #1d3557; color: #fff; }
  nav a { color: #fff; margin-inline-end: 16px; }
  main { max-width: 720px; margin: 24px auto; padding: 0 16px; }
  button { font: inherit; padding: 12px 20px; border-radius: 0; background: #e63946; color: #fff; }
  * { letter-spacing: .02em; }
</style></head><body>
<header><strong>Acme Store</strong></header>
<nav aria-label="Main"><a href="#shop">Shop</a><a href="#help">Help</a></nav>
<main><h1>Orders and returns</h1><p>Ask our assistant about your order.</p></main>
<footer>© Acme</footer>
<script>
  window.Aicado = window.Aicado || function () { (Aicado.hasOwnProperty('q') ? Aicado.q : (Aicado.q = [])).push(arguments); };
  Aicado('init', ${init});
  window.__handoffs = [];
  Aicado('on', 'handoff', function (e) { window.__handoffs.push(e); });
</script>
<script async src="${SCRIPT_TAG.src}"></script>
</body></html>`,
  });
  return `${loop.site.url}${path}`;
}

/** Verified by the standardwebhooks library, as a receiver that does not use our helper would. */
const verified = (webhook: ReceivedWebhook): WebhookEvent => new Webhook(loop.secret).verify(webhook.body, webhook.headers) as WebhookEvent;
const received = async (type: WebhookEvent['type'], count: number) => (await waitForType(loop.receiver, type, count)).map(verified);

describe('the conversation as a whole', () => {
  it('two questions and a rating, then reset(): started once, two answers, one feedback, one ended with both turns and the rating; the next question starts anew', async () => {
    const page = await loop.browser.newPage();
    const log = recordConsole(page);
    await page.goto(hostPage('/lifecycle.html', {}));
    const ask = (input: string) =>
      page.evaluate(
        (text) => (window as unknown as { Aicado: (...a: unknown[]) => Promise<{ queryId: string }> }).Aicado('send', text),
        input,
      );
    const first = await ask('Where is my order?');
    const second = await ask('Can I return it?');
    await page.evaluate(
      (id) => (window as unknown as { Aicado: (...a: unknown[]) => Promise<void> }).Aicado('rate', id, 'up'),
      first.queryId,
    );
    await received('query.feedback', 1);
    await page.evaluate(() => (window as unknown as { Aicado: (...a: unknown[]) => void }).Aicado('reset'));

    const [ended] = (await received('conversation.ended', 1)).map((e) => eventOf('conversation.ended', e));
    const conversationId = ended!.data.conversation_id;
    expect(ended!.data.reason).toBe('reset');
    expect(ended!.data.truncated).toBe(false);
    expect(ended!.data.params).toStrictEqual(PARAMS);
    expect(ended!.data.transcript.map((t) => [t.query_id, t.input, t.status, t.rating])).toEqual([
      [first.queryId, 'Where is my order?', 'completed', 'up'],
      [second.queryId, 'Can I return it?', 'completed', undefined],
    ]);
    expect(ended!.data.transcript[1]!.output).toContain('Can I return it?');

    const third = await ask('And the invoice?');
    const started = (await received('conversation.started', 2)).map((e) => eventOf('conversation.started', e));
    const answers = (await received('query.completed', 3)).map((e) => eventOf('query.completed', e));
    expect(started[0]!.data).toMatchObject({ conversation_id: conversationId, params: PARAMS });
    expect(started[1]!.data.conversation_id).not.toBe(conversationId);
    expect(answers.map((a) => [a.data.query_id, a.data.conversation_id])).toEqual([
      [first.queryId, conversationId],
      [second.queryId, conversationId],
      [third.queryId, started[1]!.data.conversation_id],
    ]);
    // Nothing else came: one started per conversation, one feedback, one ended.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const types = loop.receiver.received.map((w) => verified(w).type).sort();
    expect(types).toEqual(
      [
        'conversation.ended',
        'conversation.started',
        'conversation.started',
        'query.completed',
        'query.completed',
        'query.completed',
        'query.feedback',
      ].sort(),
    );
    expect(new Set(loop.receiver.received.map((w) => w.headers['webhook-id'])).size).toBe(7);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('"Talk to a person" by keyboard on a phone: one handoff.requested, one conversation.ended (handoff), the site message shown, axe clean', async () => {
    const page = await loop.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const log = recordConsole(page);
    const message = 'Thanks. Someone from Acme will email you within a day.';
    await page.goto(hostPage('/handoff.html', { open: true, handoff: { label: 'Talk to a person', message } }));
    const composer = page.locator('aicado-embed textarea');
    await composer.waitFor();
    await composer.fill('I need help with a damaged parcel');
    await composer.press('Enter');
    await page.locator('aicado-embed .msg.agent', { hasText: 'damaged parcel' }).waitFor({ timeout: 15_000 });

    const action = page.getByRole('button', { name: 'Talk to a person' });
    await action.focus();
    await page.keyboard.press('Enter');
    await page.locator('aicado-embed .msg.notice', { hasText: message }).waitFor();
    expect(await action.count()).toBe(0);

    const [handoff] = (await received('handoff.requested', 1)).map((e) => eventOf('handoff.requested', e));
    const [ended] = (await received('conversation.ended', 1)).map((e) => eventOf('conversation.ended', e));
    expect(handoff!.data.params).toStrictEqual(PARAMS);
    expect(handoff!.data.transcript.map((t) => t.input)).toEqual(['I need help with a damaged parcel']);
    expect(ended!.data).toMatchObject({ reason: 'handoff', conversation_id: handoff!.data.conversation_id });
    const handoffs = await page.evaluate(() => (window as unknown as { __handoffs: unknown[] }).__handoffs);
    expect(handoffs).toEqual([{ conversationId: handoff!.data.conversation_id, reason: undefined, message }]);
    expect(await axeViolations(page)).toEqual([]);

    // Asking again sends nothing new; the next question goes to a new conversation (the old one ended).
    await page.evaluate(() => (window as unknown as { Aicado: (...a: unknown[]) => Promise<void> }).Aicado('requestHandoff'));
    await composer.fill('One more thing');
    await composer.press('Enter');
    const [, next] = (await received('conversation.started', 2)).map((e) => eventOf('conversation.started', e));
    expect(next!.data.conversation_id).not.toBe(handoff!.data.conversation_id);
    expect(loop.receiver.received.filter((w) => verified(w).type === 'handoff.requested')).toHaveLength(1);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('the action speaks the widget locale: Turkish and Arabic (right to left), axe clean', async () => {
    for (const [locale, label, done] of [
      ['tr', 'Bir kişiyle görüşün', 'Ekibimizden biri size dönüş yapacak.'],
      ['ar', 'التحدث إلى شخص', 'سيتواصل معك أحد أعضاء فريقنا.'],
    ] as const) {
      const page = await loop.browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await page.goto(hostPage(`/handoff-${locale}.html`, { open: true, locale, handoff: true, storage: 'memory' }));
      const action = page.getByRole('button', { name: label });
      await action.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await action.focus();
      await page.keyboard.press('Enter');
      await page.locator('aicado-embed .msg.notice', { hasText: done }).waitFor();
      await page.close();
    }
    expect((await received('handoff.requested', 2)).length).toBe(2);
  });
});
