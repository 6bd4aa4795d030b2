import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent } from '../../src/index.js';
import { panelMounted, stubQueryApi } from './support.js';

let agent: AicadoAgent | undefined;
afterEach(() => {
  agent?.destroy();
  agent = undefined;
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const shadow = () => document.querySelector('aicado-embed')!.shadowRoot!;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function typeText(text: string) {
  const area = shadow().querySelector('textarea')!;
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
  return area;
}

function press(key: string, init: KeyboardEventInit = {}) {
  shadow()
    .querySelector('textarea')!
    .dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
}

describe('widget UI', () => {
  it('Enter sends, Shift+Enter does not, and send is disabled for empty input', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    agent = init({ agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', open: true });
    await panelMounted();
    const send = shadow().querySelector<HTMLButtonElement>('button.send')!;
    expect(send.disabled).toBe(true);
    typeText('   ');
    await flush();
    expect(send.disabled).toBe(true);
    typeText('line one');
    await flush();
    expect(send.disabled).toBe(false);
    press('Enter', { shiftKey: true });
    await flush();
    expect(requests).toHaveLength(0);
    press('Enter');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body.input).toBe('line one');
  });

  it('shows the remaining characters near the 4,000 limit', async () => {
    agent = init({ agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', open: true });
    await panelMounted();
    typeText('x'.repeat(3500));
    await flush();
    expect(shadow().querySelector('.count')).toBeNull();
    typeText('x'.repeat(3950));
    await flush();
    expect(shadow().querySelector('.count')?.textContent).toBe('50 characters left');
    expect(shadow().querySelector('textarea')!.maxLength).toBe(4000);
  });

  it('a failed query shows Retry, which resends with the same query_id', async () => {
    const { requests } = stubQueryApi({ status: 400, body: { error: { code: 'bad_request', message: 'no' } } }, { deltas: ['recovered'] });
    agent = init({ agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', open: true });
    await agent.send('try me').catch(() => undefined);
    await vi.waitFor(() => expect(shadow().querySelector('.status.error')?.textContent).toContain('The message could not be sent.'));
    const retry = [...shadow().querySelectorAll('button')].find((b) => b.textContent === 'Retry')!;
    retry.click();
    await vi.waitFor(() => expect([...shadow().querySelectorAll('.msg.agent')].at(-1)?.textContent).toContain('recovered'));
    expect(requests.map((r) => r.body.query_id)).toEqual([requests[0]!.body.query_id, requests[0]!.body.query_id]);
  });

  it('shows an offline notice while the browser is offline', async () => {
    agent = init({ agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', open: true });
    await panelMounted();
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    window.dispatchEvent(new Event('offline'));
    await flush();
    expect(shadow().querySelector('.notice')?.textContent).toMatch(/offline/);
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(shadow().querySelector('.notice')).toBeNull();
  });

  it('uses the built-in Turkish strings and lets `strings` override any text', async () => {
    agent = init({
      agentId: 'demo',
      apiBase: 'http://api.test',
      storage: 'memory',
      locale: 'tr-TR',
      strings: { send: 'Yolla' },
      open: true,
    });
    await panelMounted();
    expect(shadow().querySelector('button.launcher')!.getAttribute('aria-label')).toBe('Sohbeti kapat');
    expect(shadow().querySelector('h2')!.textContent).toBe('Asistanımıza sorun');
    expect(shadow().querySelector('button.send')!.textContent).toBe('Yolla');
    expect(shadow().querySelector('textarea')!.placeholder).toBe('Mesajınızı yazın…');
  });
});
