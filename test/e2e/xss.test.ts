import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePage, startLoop } from './support/fixture.js';
import { SCRIPT_TAG } from './support/script-tag.js';

// Every vector sets `window.__xss` (or calls alert/print/confirm, trapped too) if it ever runs.
const TRAP = 'window.__xss=1';
const B64_PAGE = Buffer.from(`<script>top.${TRAP}</script>`).toString('base64');

const VECTORS: string[] = [
  // HTML tags and event handlers
  `<script>${TRAP}</script>`,
  `<img src=x onerror="${TRAP}">`,
  `<img src="x" onerror=${TRAP}//`, // broken markup, unterminated
  `<svg onload=${TRAP}>`,
  `<svg><script>${TRAP}</script></svg>`,
  `<svg><a xlink:href="javascript:${TRAP}"><text x="0" y="20">tap</text></a></svg>`,
  `<iframe src="javascript:top.${TRAP}"></iframe>`,
  `<iframe srcdoc="<script>top.${TRAP}</script>"></iframe>`,
  `<body onload=${TRAP}>`,
  `<details open ontoggle=${TRAP}>`,
  `<input autofocus onfocus=${TRAP}>`,
  `<video><source onerror="${TRAP}"></video>`,
  `<object data="data:text/html;base64,${B64_PAGE}"></object>`,
  `<embed src="javascript:${TRAP}">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${TRAP}">`,
  `<a href="javascript:${TRAP}">link</a>`,
  `<form><button formaction="javascript:${TRAP}">go</button></form>`,
  `<style>@import "javascript:${TRAP}";</style><div style="background:url(javascript:${TRAP})">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=${TRAP}>`, // mutation-XSS shape
  `<IMG SRC=x OnErRoR=${TRAP}>`, // case-obfuscated
  `<img src=x onerror=&#119;&#105;&#110;&#100;&#111;&#119;.__xss=1>`, // entity-obfuscated handler
  `<<script>script>${TRAP}<</script>/script>`,
  `"><img src=x onerror=${TRAP}>`,
  `</textarea><img src=x onerror=${TRAP}>`,
  `<!--<img src="--><img src=x onerror=${TRAP}//">`,
  // markdown links and images
  `[click](javascript:${TRAP})`,
  `[click](JaVaScRiPt:${TRAP})`,
  `[click](  javascript:${TRAP})`,
  `[click](java\tscript:${TRAP})`, // a real tab, which browsers strip from URLs
  `[click](&#106;avascript:${TRAP})`,
  `[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;${TRAP})`,
  `[click](javascript&colon;${TRAP})`,
  `[click](<javascript:${TRAP}>)`,
  `[click](javascript:${TRAP} "title")`,
  `[click](\u0001javascript:${TRAP})`,
  `[click](data:text/html;base64,${B64_PAGE})`,
  `[click](DATA:text/html,<script>${TRAP}</script>)`,
  `[click](vbscript:msgbox(1))`,
  `[click](VBScript:msgbox(1))`,
  `[click](file:///etc/passwd)`,
  `[click](//evil.example/x)`,
  `![img](javascript:${TRAP})`,
  `![img](x.png" onerror="${TRAP})`,
  `[a](https://ok.example/" onmouseover="${TRAP})`,
  `https://ok.example/"onmouseover="${TRAP}"`,
  `javascript://%0a${TRAP}`,
  `[x](https://ok.example/)[y](javascript:${TRAP})`,
  `**[bold](javascript:${TRAP})** _[em](vbscript:x)_ \`<img src=x onerror=${TRAP}>\``,
  // blocks on lines of their own
  `\n\`\`\`html\n<script>${TRAP}</script>\n\`\`\``,
  `\n# <img src=x onerror=${TRAP}>\n- [a](javascript:${TRAP})\n1. <svg onload=${TRAP}>`,
  `\n    <img src=x onerror=${TRAP}>\n> <script>${TRAP}</script>`,
];

let loop: Awaited<ReturnType<typeof startLoop>>;

beforeAll(async () => {
  loop = await startLoop(['--echo-delay-ms', '0', '--rate-limit', '0']);
});
afterAll(async () => {
  await loop?.close();
});

describe('agent output that quotes hostile input', () => {
  it(`renders ${VECTORS.length} XSS vectors as inert text: no script runs, no handler, src or unsafe URL in the DOM`, async () => {
    loop.site.pages.set('/xss.html', {
      // A param carries a vector too: the echo lists every param in each answer.
      body: queuePage(
        `Aicado('init', { agentId: 'demo', apiBase: '${loop.backend.url}', params: { user_id: 'u_1', note: '<img src=x onerror="window.__xss=1">' } });`,
      ),
    });
    const context = await loop.browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(() => {
      const trapped = window as unknown as { __trap: string[] };
      trapped.__trap = [];
      for (const name of ['alert', 'confirm', 'prompt', 'print'] as const) {
        (window as unknown as Record<string, unknown>)[name] = () => trapped.__trap.push(name);
      }
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const strayRequests: string[] = [];
    context.on('request', (request) => {
      const url = request.url();
      const expected =
        url.startsWith(`${loop.backend.url}/`) ||
        [
          `${loop.site.url}/xss.html`,
          ...SCRIPT_TAG.files.map((file) => `${loop.site.url}${file}`),
          `${loop.site.url}/favicon.ico`,
        ].includes(url);
      if (!expected) strayRequests.push(url);
    });
    await page.goto(`${loop.site.url}/xss.html`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const input = page.getByRole('textbox', { name: 'Type your message…' });

    let ran = 0;
    for (const [index, vector] of VECTORS.entries()) {
      await input.fill(`v${index} ${vector}`);
      await input.press('Enter');
      await page.waitForFunction(
        (count) => {
          const root = document.querySelector('aicado-embed')?.shadowRoot;
          const answers = [...(root?.querySelectorAll('.msg.agent') ?? [])].filter((el) => el.textContent?.includes('You said:'));
          return answers.length === count && !root?.querySelector('[aria-busy="true"]');
        },
        index + 1,
        { timeout: 10_000 },
      );
      ran++;
    }
    await page.waitForTimeout(500); // late handlers (onerror, onload, ontoggle) would have fired by now

    const report = await page.evaluate(() => {
      const root = document.querySelector('aicado-embed')?.shadowRoot;
      const found = { handlers: [] as string[], srcs: [] as string[], hrefs: [] as string[], tags: [] as string[], answers: 0, text: '' };
      const allowedInMessages = new Set(['DIV', 'SPAN', 'P', 'STRONG', 'EM', 'CODE', 'PRE', 'UL', 'OL', 'LI', 'A', 'BR', 'I', 'BUTTON']);
      for (const element of root?.querySelectorAll('*') ?? []) {
        for (const attribute of element.attributes) {
          const name = attribute.name.toLowerCase();
          if (name.startsWith('on')) found.handlers.push(`${element.tagName} ${name}`);
          if (
            name === 'src' ||
            name === 'srcdoc' ||
            name === 'data' ||
            name === 'formaction' ||
            name === 'action' ||
            name === 'xlink:href'
          ) {
            found.srcs.push(`${element.tagName} ${name}=${attribute.value}`);
          }
          if (name === 'href') found.hrefs.push(attribute.value);
        }
      }
      // A message's own row of time and action buttons (icons) is the widget's, never the agent's output.
      for (const element of root?.querySelectorAll('.messages *:not(.meta, .meta *)') ?? []) {
        if (!allowedInMessages.has(element.tagName)) found.tags.push(element.tagName);
      }
      found.answers = root?.querySelectorAll('.msg.agent').length ?? 0;
      found.text = (root?.querySelector('.messages') as HTMLElement | null)?.innerText ?? '';
      return { ...found, xss: (window as unknown as { __xss?: unknown }).__xss, trap: (window as unknown as { __trap: string[] }).__trap };
    });

    console.log(`xss: ${ran} vectors ran`);
    expect(ran).toBe(VECTORS.length);
    expect(ran).toBeGreaterThanOrEqual(30);
    expect(report.xss).toBeUndefined();
    expect(report.trap).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(report.handlers).toEqual([]);
    expect(report.srcs).toEqual([]);
    expect(report.tags).toEqual([]);
    for (const href of report.hrefs) expect(['http:', 'https:', 'mailto:'], href).toContain(new URL(href).protocol);
    expect(report.hrefs.length).toBeGreaterThan(0); // the safe links among the vectors did render as links
    expect(strayRequests).toEqual([]); // no markup ever made the browser fetch anything
    // The markup is there, as text the visitor can read.
    expect(report.text).toContain('<script>window.__xss=1</script>');
    expect(report.text).toContain('<img src=x onerror="window.__xss=1">');
    expect(report.text).toContain('<svg onload=window.__xss=1>');
    await context.close();
  });
});
