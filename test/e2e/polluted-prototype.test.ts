import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completed, waitForType } from '../support/webhook-events.js';
import { recordConsole } from './support/browser.js';
import { shipped } from './support/dist.js';
import { startLoop } from './support/fixture.js';

// A page that polluted Object.prototype before the SDK loads (a careless library, or a hostile one) gets a
// working agent from every browser file we publish, and no inherited key is read as an option or a param.

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--agent', 'demo', '--agent', 'shop']);
});
afterAll(async () => {
  await loop?.close();
});

/** Keys the SDK reads as options, params or its loader's state (none the platform's own dictionaries read, such as fetch's `mode`). */
const POLLUTION = `for (const key of ['u_id', 'plan', 'user_id', 'locale', 'apiBase', 'signedParams', 'storage', 'open', 'loaded', 'default', 'then'])
  Object.prototype[key] = 'polluted';`;

const params = { user_id: 'u_proto', plan: 'pro' };

/** Each published browser file, as a page would load it, with an <aicado-agent> where the file defines one. */
const builds = (apiBase: string) => {
  const options = JSON.stringify({ agentId: 'demo', apiBase, storage: 'memory', locale: 'ar', params });
  return {
    'the split script tag (first, lazy, locale and element parts)': `<script>${POLLUTION}
window.Aicado = window.Aicado || function () { (Aicado.q = Aicado.q || []).push(arguments); };
Aicado('init', ${options});</script>
<script async src="/aicado-embed.iife.js"></script>
<aicado-agent agent-id="shop" api-base="${apiBase}" mode="inline" storage="memory"></aicado-agent>`,
    'the single-file script tag': `<script>${POLLUTION}
window.Aicado = window.Aicado || function () { (Aicado.q = Aicado.q || []).push(arguments); };
Aicado('init', ${options});</script>
<script async src="/aicado-embed.single.iife.js"></script>
<aicado-agent agent-id="shop" api-base="${apiBase}" mode="inline" storage="memory"></aicado-agent>`,
    'the npm entry and aicado-embed/element as ES modules': `<script type="importmap">{ "imports": { "aicado-embed": "/aicado-embed.js" } }</script>
<script>${POLLUTION}</script>
<script type="module">
  import { init } from 'aicado-embed';
  import '/element.js';
  window.agent = init(${options});
</script>
<aicado-agent agent-id="shop" api-base="${apiBase}" mode="inline" storage="memory"></aicado-agent>`,
  };
};

describe('on a page that polluted Object.prototype', () => {
  for (const [name, body] of Object.entries(builds('API_BASE'))) {
    it(`${name} starts, answers with the page's params intact, and fires the webhook with exactly those`, async () => {
      loop.receiver.received.length = 0;
      const path = `/polluted-${name.replace(/\W+/g, '-')}.html`;
      loop.site.pages.set(path, {
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Polluted</title></head><body>
<header><nav><a href="/">Home</a></nav></header><main><h1>A page with a polluted prototype</h1>
${body.replaceAll('API_BASE', loop.backend.url)}</main></body></html>`,
      });
      const page = await loop.browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const log = recordConsole(page);
      await page.goto(`${loop.site.url}${path}`);
      // The bubble agent, in Arabic: its launcher, then its panel with the locale part's texts.
      const launcher = page.locator('aicado-embed[data-agent-id="demo"]').getByRole('button', { name: 'فتح المحادثة' });
      await launcher.waitFor({ timeout: 15_000 });
      await launcher.click();
      const input = page.locator('aicado-embed[data-agent-id="demo"]').getByRole('textbox');
      await input.fill('Hello from a polluted page');
      await input.press('Enter');
      await page
        .locator('aicado-embed[data-agent-id="demo"] .msg.agent', { hasText: 'You said: "Hello from a polluted page"' })
        .waitFor({ timeout: 15_000 });
      // The element was defined too (its part loaded on a page that has one), and its agent is on the page.
      await page.locator('aicado-embed[data-agent-id="shop"]').getByRole('textbox').waitFor({ timeout: 15_000 });
      const [webhook] = await waitForType(loop.receiver, 'query.completed', 1);
      const event = completed(shipped.verifyWebhook(webhook!.body, webhook!.headers, loop.secret));
      expect(event.data.params).toStrictEqual(params);
      expect(pageErrors).toEqual([]);
      expect(log.errors).toEqual([]);
      await page.close();
    });
  }
});
