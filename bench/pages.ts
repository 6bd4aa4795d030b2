// The host pages the browser bench loads. In-page code is plain JavaScript in strings: functions passed
// to `page.evaluate` would be serialised after tsx rewrites them (it adds `__name` helpers).

import { MAX_STORED_MESSAGES } from '../src/on-intent/conversation/transcript.js';

export const AGENT_ID = 'bench';
export const STREAM_DELTAS = 2_000;
export const TRANSCRIPT_MESSAGES = 500;
export const CYCLES = 100;

/** An address nothing listens on: the widget never reaches it unless a page stubs `fetch` for it. */
const API_BASE = 'http://127.0.0.1:9';

/**
 * First in every page's <head>: records long tasks from the start, and the moment the launcher is
 * painted (a frame after the button exists, then the task after that frame).
 */
const INSTRUMENT = `
window.__bench = { longTasks: [], launcherPaint: null };
new PerformanceObserver(function (list) {
  for (const entry of list.getEntries()) window.__bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
}).observe({ type: 'longtask', buffered: true });
/** Calls back with the time just after the next frame was produced. */
window.__bench.afterPaint = function (callback) {
  requestAnimationFrame(function () {
    const channel = new MessageChannel();
    channel.port1.onmessage = function () { callback(performance.now()); };
    channel.port2.postMessage(null);
  });
};
window.__bench.widget = function () {
  const host = document.querySelector('aicado-embed');
  return host && host.shadowRoot;
};
new MutationObserver(function (records, observer) {
  const root = window.__bench.widget();
  if (!root || !root.querySelector('button.launcher')) return;
  observer.disconnect();
  window.__bench.afterPaint(function (time) { window.__bench.launcherPaint = time; });
}).observe(document.documentElement, { childList: true, subtree: true });
`;

/** The documented queue install: the stub, a queued init, and the async bundle. */
function scriptTag(initOptions: Record<string, unknown> | undefined, src = '/aicado-embed.iife.js'): string {
  const queued = initOptions ? `Aicado('init', ${JSON.stringify({ agentId: AGENT_ID, apiBase: API_BASE, ...initOptions })});` : '';
  return `<script>
  window.Aicado = window.Aicado || function () { (Aicado.hasOwnProperty('q') ? Aicado.q : (Aicado.q = [])).push(arguments); };
  ${queued}
</script>
<script async src="${src}"></script>`;
}

function page(head: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Bench host</title>
<script>${INSTRUMENT}</script>
${head}
</head><body><p>A blank host page.</p></body></html>`;
}

/** A page only the host: the baseline the widget's cost is measured against. */
export const baselinePage = (): string => page('');

/** The same page with the widget installed the documented way (the split script tag, or the file at `src`). */
export const widgetPage = (src?: string): string => page(scriptTag({}, src));

/** Deltas as a model would stream them: words, inline markdown, paragraphs and list items. */
function streamedTokens(): string[] {
  const words = ['The ', 'widget ', 'renders ', '**streamed** ', 'text ', 'as ', '`elements`', ', ', 'never ', 'HTML', '. '];
  const tokens: string[] = [];
  for (let i = 0; i < STREAM_DELTAS - 1; i++) {
    if (i % 120 === 119) tokens.push('\n\n');
    else if (i % 40 === 39) tokens.push('\n- list item ');
    else tokens.push(words[i % words.length]!);
  }
  tokens.push('[end of answer]');
  return tokens;
}

/**
 * `fetch` answers a query with a Server-Sent Events stream of 2,000 deltas then `done`. Each chunk
 * arrives in its own task, as network data does; a stream that enqueued synchronously would hand the
 * widget every delta in one task, which no network does.
 */
function streamingStub(): string {
  const tokens = streamedTokens();
  return `<script>
(function () {
  const tokens = ${JSON.stringify(tokens)};
  const output = tokens.join('');
  const encoder = new TextEncoder();
  const nextTask = function () {
    return new Promise(function (resolve) {
      const channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      channel.port2.postMessage(null);
    });
  };
  window.__bench.expectedOutput = output;
  window.fetch = function (url, init) {
    const request = JSON.parse(init.body);
    let sent = 0;
    const body = new ReadableStream({
      pull: function (controller) {
        return nextTask().then(function () {
          if (sent < tokens.length) {
            controller.enqueue(encoder.encode('event: delta\\ndata: ' + JSON.stringify({ text: tokens[sent++] }) + '\\n\\n'));
          } else {
            controller.enqueue(encoder.encode('event: done\\ndata: ' + JSON.stringify({ query_id: request.query_id, output: output }) + '\\n\\n'));
            controller.close();
          }
        });
      },
    });
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  };
  /** The stub's own cost: the same stream read by a bare reader, with no widget. */
  window.__bench.measureStreamOnly = function () {
    const start = performance.now();
    return window.fetch('stub', { method: 'POST', body: JSON.stringify({ query_id: 'q_stub' }) }).then(function (response) {
      const reader = response.body.getReader();
      const read = function () {
        return reader.read().then(function (chunk) { return chunk.done ? performance.now() - start : read(); });
      };
      return read();
    });
  };
  /** Sends one message; resolves when the whole answer is painted, with the longest frame meanwhile. */
  window.__bench.measureStreaming = function () {
    return new Promise(function (resolve, reject) {
      let longestFrame = 0;
      let lastFrame = 0;
      let streaming = true;
      let deltas = 0;
      const frame = function (time) {
        if (lastFrame) longestFrame = Math.max(longestFrame, time - lastFrame);
        lastFrame = time;
        if (streaming) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      Aicado('on', 'delta', function () { deltas++; });
      const start = performance.now();
      Aicado('send', 'Stream a long answer').then(function () {
        window.__bench.afterPaint(function (end) {
          streaming = false;
          const messages = window.__bench.widget().querySelectorAll('.msg.agent');
          const last = messages[messages.length - 1];
          const complete = !!last && last.textContent.indexOf('[end of answer]') !== -1 && !last.hasAttribute('aria-busy');
          if (!complete) reject(new Error('the answer is not fully rendered'));
          else resolve({ renderMs: end - start, longestFrameMs: longestFrame, deltas: deltas });
        });
      }, reject);
    });
  };
})();
</script>`;
}

export const streamingPage = (): string => page(`${streamingStub()}${scriptTag({ storage: 'memory' })}`);

/** A stored conversation of 500 messages, as a long-running visitor would have. */
function storedTranscript(): string {
  const messages = [];
  for (let i = 0; i < TRANSCRIPT_MESSAGES; i++) {
    const role = i % 2 === 0 ? 'user' : 'agent';
    const queryId = `q_${String(i >> 1).padStart(21, '0')}`;
    const text =
      role === 'user'
        ? `Question ${i >> 1}: where is order #${1000 + i}?`
        : `Order **#${1000 + i - 1}** left the warehouse on day ${(i % 28) + 1}.\n\n- carrier: \`post\`\n- tracking: [link](https://example.com/t/${i})\n\nAnything else?`;
    messages.push({ id: role === 'user' ? `${queryId}:user` : queryId, role, text, queryId, status: 'done' });
  }
  return JSON.stringify({ conversationId: 'c_benchbench0', messages, pending: [] });
}

function transcriptSetup(): string {
  return `<script>
localStorage.setItem(${JSON.stringify(`aicado:v1:${AGENT_ID}:conversation`)}, ${JSON.stringify(storedTranscript())});
/** Opens the panel; resolves when the stored messages are in the DOM and painted. */
window.__bench.measureOpen = function () {
  return new Promise(function (resolve, reject) {
    const start = performance.now();
    // The SDK keeps the last ${MAX_STORED_MESSAGES} messages of a stored transcript (plus the greeting).
    const expected = ${Math.min(TRANSCRIPT_MESSAGES, MAX_STORED_MESSAGES) + 1};
    Aicado('open');
    const check = function () {
      const root = window.__bench.widget();
      const panel = root && root.querySelector('section.panel.open');
      const shown = panel ? panel.querySelectorAll('.messages .msg').length : 0;
      if (shown >= expected) window.__bench.afterPaint(function (end) { resolve({ openMs: end - start, messages: shown }); });
      else if (performance.now() - start > 10000) reject(new Error('only ' + shown + ' messages are shown'));
      else requestAnimationFrame(check);
    };
    check();
  });
};
</script>`;
}

export const transcriptPage = (): string => page(`${transcriptSetup()}${scriptTag({ storage: 'local' })}`);

function cyclesSetup(): string {
  return `<script>
/** init, open and destroy the widget, 100 times, letting each open reach a frame. */
window.__bench.runCycles = function () {
  let cycle = 0;
  return new Promise(function (resolve) {
    const next = function () {
      if (cycle++ === ${CYCLES}) return resolve(${CYCLES});
      Aicado('init', { agentId: ${JSON.stringify(AGENT_ID)}, apiBase: ${JSON.stringify(API_BASE)}, storage: 'memory' });
      Aicado('open');
      requestAnimationFrame(function () {
        Aicado('destroy');
        setTimeout(next, 0);
      });
    };
    next();
  });
};
</script>`;
}

/** The bundle is loaded but nothing initialised: the page the cycles start from and return to. */
export const cyclesPage = (): string => page(`${cyclesSetup()}${scriptTag(undefined)}`);
