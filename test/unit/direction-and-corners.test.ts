import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent } from '../../src/index.js';
import { normalizeOptions } from '../../src/at-load/core/options.js';
import { panelMounted } from './support.js';

let agents: AicadoAgent[] = [];
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.restoreAllMocks();
});
const start = (agentId: string, extra: Record<string, unknown> = {}) => {
  const agent = init({ agentId, apiBase: 'http://api.test', storage: 'memory', ...extra });
  agents.push(agent);
  return agent;
};
const host = (agentId: string) => document.querySelector<HTMLElement>(`aicado-embed[data-agent-id="${agentId}"]`)!;
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('language and direction', () => {
  const normalize = (options: Record<string, unknown>, browser = 'en-US') => normalizeOptions({ agentId: 'a', ...options }, browser);

  it("takes the direction from the locale: 'ar' is right to left, with its own strings; a browser's ar-EG too", () => {
    // At load only the launcher's texts; the panel's come with the panel (below).
    expect(normalize({ locale: 'ar' })).toMatchObject({ dir: 'rtl', lang: 'ar', strings: { open: 'فتح المحادثة' } });
    expect(normalize({}, 'ar-EG')).toMatchObject({ dir: 'rtl', lang: 'ar-EG', strings: { open: 'فتح المحادثة' } });
    expect(normalize({ locale: 'tr' })).toMatchObject({ dir: 'ltr', lang: 'tr', strings: { open: 'Sohbeti aç' } });
  });

  it('the panel brings its texts in the locale’s language, under the host’s own', async () => {
    start('demo', { locale: 'ar', open: true, strings: { send: 'أرسل' }, placeholder: 'سؤالك' });
    const root = await panelMounted();
    expect(root.querySelector('.header h2')?.textContent).toBe('اسأل مساعدنا');
    expect(root.querySelector('button.send')?.textContent).toBe('أرسل');
    expect(root.querySelector('textarea')?.placeholder).toBe('سؤالك');
  });

  it('speaks English, left to right, for a locale without strings; with the host’s strings it speaks the locale', () => {
    expect(normalize({ locale: 'he' })).toMatchObject({ dir: 'ltr', lang: 'en', strings: { open: 'Open chat' } });
    expect(normalize({ locale: 'he-IL', strings: { send: 'שלח' } })).toMatchObject({ dir: 'rtl', lang: 'he-IL', strings: { send: 'שלח' } });
  });

  it('puts the launcher at the end side by default, mirrored in right-to-left; physical positions never mirror', () => {
    const side = (position: string | undefined, locale: string) =>
      normalize({ locale, ...(position ? { theme: { position } } : {}) }).theme.side;
    expect([undefined, 'bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'].map((p) => side(p, 'en'))).toEqual([
      'right',
      'right',
      'left',
      'right',
      'left',
    ]);
    expect([undefined, 'bottom-end', 'bottom-start', 'bottom-right', 'bottom-left'].map((p) => side(p, 'ar'))).toEqual([
      'left',
      'left',
      'right',
      'right',
      'left',
    ]);
    expect(() => normalize({ theme: { position: 'top-right' } })).toThrow(
      /theme.position is invalid.*'bottom-end', 'bottom-start', 'bottom-right' or 'bottom-left'/,
    );
  });

  it('the widget carries dir and lang', async () => {
    start('demo', { locale: 'ar', open: true });
    await flush();
    const root = host('demo').shadowRoot!.querySelector('.root')!;
    expect([root.getAttribute('dir'), root.getAttribute('lang'), root.classList.contains('left')]).toEqual(['rtl', 'ar', true]);
  });
});

describe('several bubbles', () => {
  it('stack in their corner, close up when one goes, and open their panels above the whole stack', () => {
    start('one');
    start('two');
    start('left', { theme: { position: 'bottom-start' } });
    const place = (id: string) => [
      host(id).style.getPropertyValue('--aicado-stack'),
      host(id).style.getPropertyValue('--aicado-stack-top'),
    ];
    expect([place('one'), place('two'), place('left')]).toEqual([
      ['0', '1'],
      ['1', '1'],
      ['0', '0'],
    ]);
    agents.shift()!.destroy();
    expect(place('two')).toEqual(['0', '0']);
  });

  it('one bubble panel is open at a time; inline agents are left alone', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const sales = start('sales');
    const support = start('support');
    const inline = start('inline', { mode: 'inline', container });
    const closed: string[] = [];
    sales.on('close', () => closed.push('sales'));
    inline.on('close', () => closed.push('inline'));
    sales.open();
    support.open();
    await flush();
    expect(closed).toEqual(['sales']);
    expect(host('sales').shadowRoot!.querySelector('section.panel.open')).toBeNull();
    container.remove();
  });
});
