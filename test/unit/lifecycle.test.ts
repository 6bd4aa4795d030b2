import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// `destroy()` promises "the page is as before". These tests hold it to that over 100 init/destroy
// cycles: no element, no listener on anything that outlives the widget, no pending timer, no storage key.

type Listener = { target: EventTarget; type: string; listener: unknown; capture: boolean };

/**
 * Every listener added and not removed, on any target (duplicates are ignored, as the DOM does). A
 * fired `once` listener would still be listed; the SDK adds none to anything that outlives it.
 */
const listeners: Listener[] = [];
/** Every timer and animation frame scheduled that has neither run nor been cancelled. */
const pendingTimers = new Set<unknown>();

const captureOf = (options: unknown) =>
  typeof options === 'boolean' ? options : Boolean((options as { capture?: boolean } | undefined)?.capture);

function trackListeners(
  owner: { addEventListener: EventTarget['addEventListener']; removeEventListener: EventTarget['removeEventListener'] },
  fixedTarget?: EventTarget,
) {
  const add = owner.addEventListener;
  const remove = owner.removeEventListener;
  const find = (entry: Omit<Listener, 'listener'> & { listener: unknown }) =>
    listeners.findIndex(
      (l) => l.target === entry.target && l.type === entry.type && l.listener === entry.listener && l.capture === entry.capture,
    );
  owner.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const entry = { target: fixedTarget ?? this, type, listener, capture: captureOf(options) };
    if (listener && find(entry) === -1) listeners.push(entry);
    return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  } as EventTarget['addEventListener'];
  owner.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const index = find({ target: fixedTarget ?? this, type, listener, capture: captureOf(options) });
    if (index !== -1) listeners.splice(index, 1);
    return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
  } as EventTarget['removeEventListener'];
}

/** The prototype that defines `key` for objects with `start` in their chain (the DOM's own EventTarget). */
function prototypeOwning<T extends object>(start: T, key: string): EventTarget {
  for (let proto: object | null = start; proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, key)) return proto as EventTarget;
  }
  throw new Error(`nothing in the prototype chain defines ${key}`);
}

/** Wraps a scheduler so each handle is pending until its callback runs or it is cancelled. */
function trackTimers(schedule: string, cancel: string, repeats = false) {
  const scope = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = scope[schedule]!;
  const originalCancel = scope[cancel]!;
  scope[schedule] = (callback: unknown, ...rest: unknown[]) => {
    let handle: unknown;
    const run = (...args: unknown[]) => {
      if (!repeats) pendingTimers.delete(handle);
      if (typeof callback === 'function') (callback as (...a: unknown[]) => void)(...args);
    };
    handle = original(run, ...rest);
    pendingTimers.add(handle);
    return handle;
  };
  scope[cancel] = (handle: unknown) => {
    pendingTimers.delete(handle);
    return originalCancel(handle);
  };
}

// Installed before the SDK (and preact) are imported, so nothing they capture escapes counting.
trackListeners(globalThis as unknown as EventTarget, globalThis as unknown as EventTarget);
trackListeners(prototypeOwning(Node.prototype, 'addEventListener'));
trackTimers('setTimeout', 'clearTimeout');
trackTimers('setInterval', 'clearInterval', true);
trackTimers('requestAnimationFrame', 'cancelAnimationFrame');

let init: typeof import('../../src/index.js').init;
const panelOf = (agentId: string) =>
  document.querySelector(`aicado-embed[data-agent-id="${agentId}"]`)?.shadowRoot?.querySelector('section.panel');
beforeAll(async () => {
  ({ init } = await import('../../src/index.js'));
  // The page loads the lazy part (panel, transport) once; the cycles below run after that, as on a page
  // where the visitor has shown intent. Destroying before it arrives is its own test at the end.
  const warm = init({ agentId: 'warm-up', storage: 'memory' });
  warm.open();
  await vi.waitFor(() => expect(panelOf('warm-up')).toBeTruthy());
  warm.destroy();
});

const AGENT_ID = 'lifecycle';
const CONVERSATION_KEY = `aicado:v1:${AGENT_ID}:conversation`;
const CYCLES = 100;
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
/** Long enough for a zero-delay timer or an after-paint effect to run; a real leak stays pending. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

interface PageState {
  html: string;
  elements: number;
  documentSheets: number;
  listeners: string[];
  localKeys: string[];
  sessionKeys: string[];
}

/**
 * Listeners on what outlives the widget: window, document, nodes still in the document, and other
 * targets (media queries, …). Not detached nodes, which go with the widget, nor abort signals, which
 * belong to one request (the test runner's own included).
 */
function lastingListeners(): string[] {
  return listeners
    .filter(({ target }) => (target instanceof Node ? target.isConnected : !(target instanceof AbortSignal)))
    .map(({ target, type }) => `${target === globalThis ? 'window' : target === document ? 'document' : (target as Node).nodeName}:${type}`)
    .sort();
}

function pageState(): PageState {
  return {
    html: document.documentElement.outerHTML,
    elements: document.getElementsByTagName('*').length,
    documentSheets: document.adoptedStyleSheets.length,
    listeners: lastingListeners(),
    localKeys: Object.keys(localStorage).sort(),
    sessionKeys: Object.keys(sessionStorage).sort(),
  };
}

let before: PageState;
beforeEach(async () => {
  document.body.innerHTML = '<main><h1>Host page</h1><button>Host button</button></main>';
  await settle();
  expect(pendingTimers.size, 'timers pending before the test').toBe(0);
  before = pageState();
});
const hostFetch = globalThis.fetch;
afterEach(() => {
  localStorage.removeItem(CONVERSATION_KEY);
  globalThis.fetch = hostFetch;
});

describe('100 init/destroy cycles leave the page as it was', () => {
  it("storage 'memory', each step reaching a frame: no element, listener, timer or storage key is left", async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const agent = init({ agentId: AGENT_ID, storage: 'memory' });
      await nextFrame();
      agent.open();
      await nextFrame();
      expect(document.querySelector('aicado-embed')?.shadowRoot?.querySelector('textarea'), 'the panel opened').toBeTruthy();
      agent.destroy();
    }
    await settle();
    expect(pageState()).toEqual(before);
    expect(pendingTimers.size, 'pending timers').toBe(0);
  });

  it("storage 'memory', back to back in one task (renders and effects still queued at destroy)", async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const agent = init({ agentId: AGENT_ID, storage: 'memory', open: true });
      agent.open();
      agent.destroy();
    }
    expect(document.querySelector('aicado-embed')).toBeNull();
    await settle();
    expect(pageState()).toEqual(before);
    expect(pendingTimers.size, 'pending timers').toBe(0);
  });

  it('with a query still streaming at destroy: the request is aborted and its idle timer cleared', async () => {
    let aborted = 0;
    // An answer that never comes: only the abort signal ends the request.
    globalThis.fetch = ((_url: string, request: RequestInit) =>
      new Promise((_resolve, reject) => {
        request.signal?.addEventListener(
          'abort',
          () => {
            aborted++;
            reject(new DOMException('aborted', 'AbortError'));
          },
          { once: true },
        );
      })) as typeof fetch;
    const outcomes: Promise<unknown>[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const agent = init({ agentId: AGENT_ID, storage: 'memory', apiBase: 'http://127.0.0.1:9' });
      agent.open();
      outcomes.push(
        agent.send('Are you there?').then(
          () => 'answered',
          (error: { code?: string }) => error.code,
        ),
      );
      await nextFrame();
      agent.destroy();
    }
    expect(await Promise.all(outcomes)).toEqual(Array(CYCLES).fill('aborted'));
    expect(aborted).toBe(CYCLES);
    await settle();
    expect(pageState()).toEqual(before);
    expect(pendingTimers.size, 'pending timers').toBe(0);
  });

  it("storage 'local' keeps exactly one key, the agent's transcript, and the same conversation every cycle", async () => {
    // What `local` is for: a reload (here, the next init) restores the conversation. So the one key
    // `aicado:v1:<agentId>:conversation` may stay; anything else, or a new conversation per cycle, is a leak.
    const conversations = new Set<string>();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const agent = init({ agentId: AGENT_ID, storage: 'local' });
      agent.open();
      await nextFrame();
      agent.destroy();
      const stored = JSON.parse(localStorage.getItem(CONVERSATION_KEY) ?? 'null') as {
        conversationId: string;
        messages: unknown[];
        pending: unknown[];
      };
      conversations.add(stored.conversationId);
      expect(stored.messages).toEqual([]);
      expect(stored.pending).toEqual([]);
    }
    expect(conversations.size).toBe(1);
    await settle();
    const after = pageState();
    expect(after.localKeys).toEqual([...before.localKeys, CONVERSATION_KEY].sort());
    expect({ ...after, localKeys: before.localKeys }).toEqual(before);
    expect(pendingTimers.size, 'pending timers').toBe(0);
  });

  it('destroyed while the lazy part is still loading: nothing is mounted when it arrives, nothing is left', async () => {
    vi.resetModules(); // a fresh SDK, whose lazy part has not been loaded yet
    const fresh = (await import('../../src/index.js')).init;
    const agents = Array.from({ length: 3 }, (_, i) => fresh({ agentId: `${AGENT_ID}-${i}`, storage: 'memory', open: i === 0 }));
    agents[1]!.open();
    const sent = agents[2]!.send('never sent').then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    for (const agent of agents) agent.destroy();
    expect(await sent).toBe('aborted');
    // The import has settled now (the aborted send waited for it): nothing was mounted after destroy.
    await settle();
    expect(pageState()).toEqual(before);
    expect(pendingTimers.size, 'pending timers').toBe(0);
  });
});
