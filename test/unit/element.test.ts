import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../../src/element/index.js';
import type { AicadoAgentElement, ElementParams } from '../../src/element/types.js';
import { isAicadoError } from '../../src/index.js';
import { ATTRIBUTE_OPTIONS, optionsFromAttributes, optionsFromScript } from '../../src/at-load/loader/attributes.js';
import { stubQueryApi } from './support.js';

// <aicado-agent> over init(): attributes and live properties, events on the element, lifecycle.

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const widgets = () => [...document.querySelectorAll('aicado-embed')];

/** Every listener on window added and not yet removed. */
let windowListeners: Set<string>;
let restoreWindow: () => void;

function makeElement(attributes: Record<string, string> = {}): AicadoAgentElement {
  const element = document.createElement('aicado-agent');
  for (const [name, value] of Object.entries({ 'agent-id': 'demo', 'api-base': 'http://api.test', storage: 'memory', ...attributes }))
    element.setAttribute(name, value);
  return element;
}

async function mounted(attributes?: Record<string, string>, params?: ElementParams): Promise<AicadoAgentElement> {
  const element = makeElement(attributes);
  if (params) element.params = params;
  document.body.append(element);
  await tick();
  return element;
}

beforeEach(() => {
  windowListeners = new Set();
  const { addEventListener: add, removeEventListener: remove } = window;
  const key = (type: string, listener: unknown) => `${type}:${String(listener)}:${listeners.indexOf(listener)}`;
  const listeners: unknown[] = [];
  window.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    listeners.push(listener);
    windowListeners.add(key(type, listener));
    add.call(window, type, listener as EventListener, options as boolean);
  }) as typeof window.addEventListener;
  window.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    windowListeners.delete(key(type, listener));
    remove.call(window, type, listener as EventListener, options as boolean);
  }) as typeof window.removeEventListener;
  restoreWindow = () => Object.assign(window, { addEventListener: add, removeEventListener: remove });
});
afterEach(async () => {
  document.body.replaceChildren();
  await tick();
  restoreWindow();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('<aicado-agent>', () => {
  it('is defined once; defining it again (a second copy, the script tag) is harmless', async () => {
    const { defineAgentElement } = await import('../../src/element/define.js');
    const defined = customElements.get('aicado-agent');
    expect(defined).toBeTypeOf('function');
    expect(() => defineAgentElement(() => ({}) as never)).not.toThrow();
    expect(customElements.get('aicado-agent')).toBe(defined);
  });

  it('mounts the widget from its attributes once in the page, and a query carries its params', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const element = await mounted({ params: '{"user_id":"u_attr"}', title: 'Help' });
    expect(widgets()).toHaveLength(1);
    expect(widgets()[0]!.getAttribute('data-agent-id')).toBe('demo');
    await element.send('hi');
    expect(requests[0]!.url).toBe('http://api.test/v1/agents/demo/queries');
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_attr' });
  });

  it('takes params as a property, which wins over the attribute, and applies a change to the next query only', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const element = await mounted({ params: '{"user_id":"u_attr"}' }, { user_id: 'u_1', plan: 'pro' });
    const first = element.send('first');
    element.params = { user_id: 'u_1', plan: 'free' };
    await first;
    await element.send('second');
    expect(requests.map((r) => r.body.params)).toEqual([
      { user_id: 'u_1', plan: 'pro' },
      { user_id: 'u_1', plan: 'free' },
    ]);
    expect(requests[0]!.body.conversation_id).toBe(requests[1]!.body.conversation_id); // same user, same conversation
  });

  it('refuses invalid params without throwing: aicado:error names the key, the running params stay', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const element = await mounted({}, { user_id: 'u_1' });
    const errors: CustomEvent[] = [];
    document.addEventListener('aicado:error', (event) => errors.push(event as CustomEvent));
    expect(() => {
      element.params = { A_ID: 1 } as never;
    }).not.toThrow();
    await tick();
    expect(errors).toHaveLength(1);
    const { error, agentId } = errors[0]!.detail as { error: unknown; agentId: string };
    expect(agentId).toBe('demo');
    expect(isAicadoError(error) && error.code).toBe('invalid_params');
    expect(isAicadoError(error) && error.issues.map((issue) => issue.key)).toEqual(['A_ID']);
    expect(String((error as Error).message)).toContain('A_ID');
    expect(errors[0]!.target).toBe(element);
    await element.send('after');
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_1' });
  });

  it('dispatches every SDK event as aicado:<event> on itself, bubbling to document, with the agent id', async () => {
    stubQueryApi({ deltas: ['a', 'b'] });
    const element = makeElement();
    const seen: string[] = [];
    const onElement = vi.fn();
    element.addEventListener('aicado:response', onElement);
    for (const type of ['ready', 'query', 'delta', 'response', 'params'])
      document.addEventListener(`aicado:${type}`, () => seen.push(type));
    const off = element.on('response', (detail) => seen.push(`on:${detail.output}`));
    document.body.append(element);
    await tick();
    await element.send('hi');
    element.params = { plan: 'pro' };
    await tick();
    expect(onElement).toHaveBeenCalledTimes(1);
    expect((onElement.mock.calls[0]![0] as CustomEvent).detail).toMatchObject({ agentId: 'demo', output: 'ab' });
    expect(seen).toEqual(['ready', 'query', 'delta', 'delta', 'on:ab', 'response', 'params']); // on the element first, then document
    off();
  });

  it('rates and stops through its own methods; aicado:feedback reaches document once, from the element', async () => {
    const { requests } = stubQueryApi({ deltas: ['fine'] }, { status: 200, body: {} });
    const element = await mounted({ suggestions: '["Hi"]', 'agent-name': 'Ada' });
    const heard: EventTarget[] = [];
    const listener = (event: Event) => heard.push(event.target as EventTarget);
    document.addEventListener('aicado:feedback', listener);
    try {
      const { queryId } = await element.send('hi');
      await element.rate(queryId, 'up');
      element.stop(); // nothing on its way: nothing to stop
      expect(heard).toEqual([element]);
      expect(requests.map((r) => r.url.split('/').at(-1))).toEqual(['queries', 'feedback']);
    } finally {
      document.removeEventListener('aicado:feedback', listener);
    }
  });

  it('removing it destroys the agent: no widget DOM and no listener on window', async () => {
    stubQueryApi({ deltas: ['ok'] });
    const element = await mounted();
    expect(widgets()).toHaveLength(1);
    expect(windowListeners.size).toBeGreaterThan(0);
    element.remove();
    await tick();
    expect(widgets()).toHaveLength(0);
    expect(document.body.innerHTML).toBe('');
    expect([...windowListeners]).toEqual([]);
    await expect(element.send('hi')).rejects.toMatchObject({ code: 'not_initialised' });
  });

  it('moving it in the page keeps the agent and the conversation', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const [a, b] = [document.createElement('section'), document.createElement('section')];
    document.body.append(a, b);
    const element = makeElement({ mode: 'inline' });
    a.append(element);
    await tick();
    await element.send('one');
    const widget = element.shadowRoot!.querySelector('aicado-embed');
    b.append(element); // a move: removed and inserted in one task
    await tick();
    expect(element.shadowRoot!.querySelector('aicado-embed')).toBe(widget);
    await element.send('two');
    expect(requests[1]!.body.conversation_id).toBe(requests[0]!.body.conversation_id);
    expect(widget!.shadowRoot!.textContent).toContain('one');
  });

  it('a new agent-id tears the agent down and starts the other', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const element = await mounted({}, { user_id: 'u_1' });
    element.setAttribute('agent-id', 'sales');
    await tick();
    expect(widgets().map((w) => w.getAttribute('data-agent-id'))).toEqual(['sales']);
    await element.send('hi');
    expect(requests[0]!.url).toBe('http://api.test/v1/agents/sales/queries');
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_1' });
  });

  it('mode="inline" renders the widget inside the element', async () => {
    stubQueryApi({ deltas: ['ok'] });
    const element = await mounted({ mode: 'inline', title: 'Support', accent: 'rebeccapurple', position: 'bottom-left' });
    const widget = element.shadowRoot!.querySelector('aicado-embed')!;
    expect(widget.getAttribute('data-mode')).toBe('inline');
    expect(document.body.querySelector(':scope > aicado-embed')).toBeNull();
    expect(widget.shadowRoot!.textContent).toContain('Support');
    expect((widget as HTMLElement).style.getPropertyValue('--aicado-accent')).toBe('rebeccapurple');
  });

  it('switches user when the user_id changes: a new conversation under the new params', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const element = await mounted({}, { user_id: 'u_1' });
    await element.send('one');
    element.params = { user_id: 'u_2' };
    await element.send('two'); // a method applies the changes made in this task first
    expect(requests[1]!.body.params).toEqual({ user_id: 'u_2' });
    expect(requests[1]!.body.conversation_id).not.toBe(requests[0]!.body.conversation_id);
  });

  it('waits for an agent-id, and starts once params arrive valid after an invalid start', async () => {
    stubQueryApi({ deltas: ['ok'] });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const errors: unknown[] = [];
    const element = document.createElement('aicado-agent');
    element.addEventListener('aicado:error', (event) => errors.push(event.detail.error));
    element.params = { t: 'x' } as never;
    document.body.append(element);
    await tick();
    expect(widgets()).toHaveLength(0); // no agent-id yet: nothing to start, nothing to report
    expect(errors).toEqual([]);
    element.setAttribute('agent-id', 'demo');
    element.setAttribute('storage', 'memory');
    await tick();
    expect(widgets()).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('"t"');
    element.params = { user_id: 'u_1' };
    await tick();
    expect(widgets()).toHaveLength(1);
    expect(element.getParams()).toEqual({ user_id: 'u_1' });
  });

  it('reports an attribute that is not JSON as aicado:error and a clear message', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: unknown[] = [];
    document.addEventListener('aicado:error', (event) => seen.push(event.detail.error), { once: true });
    await mounted({ params: '{user_id:1}' });
    expect(widgets()).toHaveLength(0);
    expect(String(seen[0])).toContain('params is not valid JSON');
    expect(error).toHaveBeenCalledOnce();
  });

  it('exposes the agent methods; open() right after insertion opens the widget it starts', async () => {
    stubQueryApi({ deltas: ['ok'] });
    const element = makeElement();
    document.body.append(element);
    for (const method of ['send', 'open', 'close', 'toggle', 'reset', 'getParams', 'on'] as const)
      expect(element[method]).toBeTypeOf('function');
    const opened = vi.fn();
    element.addEventListener('aicado:open', opened);
    element.open(); // in the same task as the insertion, before the batched start
    expect(opened).toHaveBeenCalledOnce();
    element.close();
    element.toggle();
    expect(opened).toHaveBeenCalledTimes(2);
  });

  it('reads exactly the options the script tag reads from its data attributes', () => {
    const script = document.createElement('script');
    const values: Record<string, string> = {};
    for (const name of ATTRIBUTE_OPTIONS)
      values[name] =
        name === 'params' ? '{"user_id":"u_1"}' : name === 'suggestions' ? '["Hi"]' : name === 'handoff' ? 'true' : `value-of-${name}`;
    for (const [name, value] of Object.entries(values)) script.dataset[name] = value;
    const fromScript = { ...optionsFromScript(script) } as Record<string, unknown>;
    delete fromScript.nonce;
    expect(fromScript).toEqual(optionsFromAttributes((name) => values[name], 'params'));
    expect(Object.keys(fromScript).filter((key) => fromScript[key] === undefined)).toEqual([]);
  });
});
