import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT, startBackend, type BackendProcess } from './backend.js';
import { launchBrowser } from './browser.js';
import { startReceiver } from './receiver.js';
import { startStaticServer } from './http.js';
import { SCRIPT_TAG } from './script-tag.js';

export const DIST = join(ROOT, 'dist');

export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** The whole loop on loopback: a page server for the built bundle, the backend, a webhook receiver, Chromium. */
export async function startLoop(extraBackendArgs: string[] = []) {
  const site = await startStaticServer(DIST);
  const receiver = await startReceiver();
  const secret = newWebhookSecret();
  const backend: BackendProcess = await startBackend({
    webhookUrl: `${receiver.url}/webhooks`,
    webhookSecret: secret,
    allowedOrigins: [site.url],
    extra: extraBackendArgs,
  });
  const browser: Browser = await launchBrowser();
  return {
    site,
    receiver,
    backend,
    browser,
    secret,
    async close() {
      await browser.close();
      await backend.stop();
      await receiver.close();
      await site.close();
    },
  };
}

/** The snippet no-code builders paste: the queue stub, queued calls, then the async bundle. */
export function queuePage(calls: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>${head}</head><body>
<main><h1>Host page</h1><p id="host-text">A host paragraph.</p></main>
<script>
  window.Aicado = window.Aicado || function () { (Aicado.hasOwnProperty('q') ? Aicado.q : (Aicado.q = [])).push(arguments); };
  ${calls}
</script>
<script async src="${SCRIPT_TAG.src}"></script>
</body></html>`;
}
