import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent, type InitOptions } from '../../src/index.js';
import { liveQueryApi, panelMounted, stubQueryApi } from './support.js';

let agent: AicadoAgent | undefined;
afterEach(() => {
  agent?.destroy();
  agent = undefined;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

const start = (options: Partial<InitOptions> = {}) =>
  (agent = init({ agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', open: true, ...options }));
const shadow = () => document.querySelector('aicado-embed')!.shadowRoot!;
const $ = <E extends Element = HTMLElement>(selector: string) => shadow().querySelector<E>(selector);
const $$ = (selector: string) => [...shadow().querySelectorAll<HTMLElement>(selector)];
const button = (name: string) => $$('button').find((b) => b.getAttribute('aria-label') === name || b.textContent?.trim() === name);
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Starts the agent and waits for its panel, which comes with the lazy part. */
const started = async (options: Partial<InitOptions> = {}) => {
  const running = start(options);
  await panelMounted();
  return running;
};

describe('starter prompts', () => {
  it('shows the suggestions before the first message and after reset; a chip sends its text', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await started({ suggestions: ['Where is my order?', 'Talk to <b>sales</b>'] });
    const group = $('[role="group"].chips')!;
    expect(group.getAttribute('aria-label')).toBe('Suggested questions');
    expect($$('.chips button').map((b) => b.textContent)).toEqual(['Where is my order?', 'Talk to <b>sales</b>']);
    expect($('.chips b')).toBeNull();
    $$('.chips button')[0]!.click();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body.input).toBe('Where is my order?');
    await vi.waitFor(() => expect($('.chips')).toBeNull());
    agent!.reset();
    await flush();
    expect($$('.chips button')).toHaveLength(2);
  });
});

describe('the agent at work', () => {
  it('a typing indicator and a polite announcement until the first delta, the status line as text, then a stop button', async () => {
    const api = liveQueryApi(() => ({ status: 200, body: {} }));
    await started();
    void agent!.send('hi').catch(() => undefined);
    const stream = await api.stream();
    await vi.waitFor(() => expect($('.typing')).not.toBeNull());
    expect($('.typing')!.getAttribute('aria-hidden')).toBe('true');
    const announcer = $('.announcer')!;
    expect(announcer.getAttribute('aria-live')).toBe('polite');
    expect(announcer.textContent).toBe('The assistant is typing');
    expect(button('Stop')).toBeDefined();
    expect($('button.send')).toBeNull();

    stream.send('status', { text: 'Looking at <img src=x onerror=alert(1)>' });
    await vi.waitFor(() => expect($('.progress')?.textContent).toBe('Looking at <img src=x onerror=alert(1)>'));
    expect($('.progress img')).toBeNull();
    stream.send('delta', { text: 'Hello' });
    await vi.waitFor(() => expect($('.typing')).toBeNull());
    expect($('.progress')).toBeNull();
    expect(announcer.textContent).toBe('');

    button('Stop')!.click();
    await vi.waitFor(() => expect(api.actions.map((a) => a.url.split('/').at(-1))).toEqual(['stop']));
  });

  it('shows sources as numbered links opening in a new tab, and the time of each message', async () => {
    const api = liveQueryApi();
    await started({ agentName: 'Ada', avatarUrl: 'https://cdn.example.com/ada.png', locale: 'en-US' });
    void agent!.send('guide?').catch(() => undefined);
    const stream = await api.stream();
    stream.send('delta', { text: 'See these.' });
    stream.send('done', {
      query_id: stream.request.body.query_id,
      output: 'See these.',
      sources: [
        { title: '<img src=x onerror=alert(1)> Guide', url: 'https://example.com/guide' },
        { title: '', url: 'https://docs.example.com/a' },
      ],
    });
    stream.close();
    await vi.waitFor(() => expect($$('.sources a')).toHaveLength(2));
    const links = $$('.sources a') as HTMLAnchorElement[];
    expect($('.sources')!.tagName).toBe('OL');
    expect(links.map((a) => [a.textContent, a.getAttribute('href'), a.target, a.rel])).toEqual([
      ['<img src=x onerror=alert(1)> Guide', 'https://example.com/guide', '_blank', 'noopener noreferrer'],
      ['docs.example.com', 'https://docs.example.com/a', '_blank', 'noopener noreferrer'],
    ]);
    expect($('.sources img')).toBeNull();
    const times = $$('time');
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (const time of times) {
      expect(new Date(time.getAttribute('datetime')!).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(time.title.length).toBeGreaterThan(time.textContent!.length);
    }
    expect($('.msg.agent:not(.greeting) .name')?.textContent).toBe('Ada');
    const avatar = $<HTMLImageElement>('.msg.agent:not(.greeting) img.avatar')!;
    expect([avatar.getAttribute('src'), avatar.getAttribute('alt')]).toEqual(['https://cdn.example.com/ada.png', '']);
  });
});

describe('a stored transcript', () => {
  it('shows only the stored sources that pass the guard: one planted by another script of the origin is not a link', async () => {
    const message = (extra: object) => ({
      id: 'q_storedstored01',
      role: 'agent',
      text: 'Stored answer',
      queryId: 'q_storedstored01',
      status: 'done',
      ...extra,
    });
    const sources = [
      { title: 'Planted', url: 'javascript:alert(1)' },
      { title: 'Guide', url: 'https://example.com/guide' },
    ];
    localStorage.setItem(
      'aicado:v1:demo:conversation',
      JSON.stringify({ conversationId: 'c_storedstored1', messages: [message({ sources })], pending: [] }),
    );
    await started({ storage: 'local' });
    await vi.waitFor(() => expect($$('.sources a')).toHaveLength(1));
    expect($('.sources a')!.getAttribute('href')).toBe('https://example.com/guide');
    localStorage.clear();
  });
});

describe('answer actions', () => {
  it('thumbs up and down are toggles with aria-pressed; pressing the pressed one takes the rating back', async () => {
    const { requests } = stubQueryApi({ deltas: ['fine'] }, { status: 200, body: {} });
    await started();
    await agent!.send('hi');
    await flush();
    const up = () => button('Helpful')!;
    const down = () => button('Not helpful')!;
    expect([up().getAttribute('aria-pressed'), down().getAttribute('aria-pressed')]).toEqual(['false', 'false']);
    up().click();
    await vi.waitFor(() => expect(up().getAttribute('aria-pressed')).toBe('true'));
    down().click();
    await vi.waitFor(() => expect(down().getAttribute('aria-pressed')).toBe('true'));
    expect(up().getAttribute('aria-pressed')).toBe('false');
    down().click();
    await vi.waitFor(() => expect(down().getAttribute('aria-pressed')).toBe('false'));
    expect(requests.slice(1).map((r) => r.body.rating)).toEqual(['up', 'down', null]);
  });

  it('copy puts the markdown source on the clipboard and says "Copied" for 2 s', async () => {
    stubQueryApi({ deltas: ['**bold** and `code`'] });
    const writeText = vi.fn(async (_text: string) => undefined);
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard);
    await started();
    await agent!.send('hi');
    await flush();
    button('Copy')!.click();
    await vi.waitFor(() => expect($('.copied')?.textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('**bold** and `code`');
    const shownAt = Date.now();
    await vi.waitFor(() => expect($('.copied')?.textContent ?? '').toBe(''), { timeout: 3000 });
    expect(Date.now() - shownAt).toBeGreaterThanOrEqual(1900);
  });
});

describe('launcher', () => {
  it('shows an unread badge, announced politely, while the bubble is closed; opening clears it', async () => {
    stubQueryApi({ deltas: ['one'] });
    start({ open: false });
    await agent!.send('a');
    await agent!.send('b');
    await flush();
    expect($('.badge')?.textContent).toBe('2');
    expect($('.badge')!.getAttribute('aria-hidden')).toBe('true');
    expect($('.unread')!.getAttribute('aria-live')).toBe('polite');
    expect($('.unread')!.textContent).toBe('2 new messages');
    expect($('button.launcher')!.getAttribute('aria-label')).toBe('Open chat, 2 new messages');
    agent!.open();
    await flush();
    expect($('.badge')!.textContent).toBe('');
    expect($('.unread')!.textContent).toBe('');
  });

  it('launcher: false draws no launcher; the host button opens it, and focus returns to that button on close', async () => {
    const host = document.createElement('button');
    host.textContent = 'Chat with us';
    document.body.append(host);
    start({ open: false, launcher: false });
    host.addEventListener('click', () => agent!.open());
    await flush();
    expect($('button.launcher')).toBeNull();
    host.focus();
    host.click();
    await vi.waitFor(() => expect($('section.panel.open')).not.toBeNull());
    await vi.waitFor(() => expect(shadow().activeElement?.tagName).toBe('TEXTAREA'));
    $('textarea')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await vi.waitFor(() => expect(document.activeElement).toBe(host));
  });
});
