import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentHandle } from '../../src/at-load/core/handle.js';
import type { InitWithAgents } from '../../src/at-load/create-init.js';
import { defineElementOnUse, type ElementPart } from '../../src/at-load/loader/element-on-use.js';

// The script tag loads <aicado-agent>'s definition only for a page that has the element.

// Only handed on to the element part, never called here.
const init: InitWithAgents = Object.assign(
  (): AgentHandle => {
    throw new Error('not called in these tests');
  },
  { agents: new Map<string, AgentHandle>() },
);
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  document.body.innerHTML = '';
});

describe('defineElementOnUse', () => {
  it('loads nothing on a page without the element, and the part once one is added, however deep', async () => {
    const defineAgentElement = vi.fn();
    const load = vi.fn(async (): Promise<ElementPart> => ({ defineAgentElement }));
    document.body.innerHTML = '<main><p>No agent here</p></main>';
    defineElementOnUse(init, load);
    document.querySelector('main')!.append(document.createElement('div'));
    await flush();
    expect(load).not.toHaveBeenCalled();

    const section = document.createElement('section');
    section.innerHTML = '<div><aicado-agent agent-id="demo"></aicado-agent></div>';
    document.querySelector('main')!.append(section);
    await flush();
    document.body.append(document.createElement('aicado-agent'));
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    expect(defineAgentElement).toHaveBeenCalledWith(init);
  });

  it('loads the part at once when the page has the element at load', async () => {
    const load = vi.fn(async (): Promise<ElementPart> => ({ defineAgentElement: vi.fn() }));
    document.body.innerHTML = '<aicado-agent agent-id="demo"></aicado-agent>';
    defineElementOnUse(init, load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries a failed load again when the page adds another element', async () => {
    const defineAgentElement = vi.fn();
    const load = vi
      .fn<() => Promise<ElementPart>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValue({ defineAgentElement });
    document.body.innerHTML = '<aicado-agent agent-id="demo"></aicado-agent>';
    defineElementOnUse(init, load);
    await flush();
    expect(defineAgentElement).not.toHaveBeenCalled();
    document.body.append(document.createElement('aicado-agent'));
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    expect(defineAgentElement).toHaveBeenCalledTimes(1);
  });

  it('listens for the connection to come back once, however often the load failed', async () => {
    const listening = vi.spyOn(window, 'addEventListener');
    const defineAgentElement = vi.fn();
    const load = vi.fn<() => Promise<ElementPart>>().mockRejectedValue(new TypeError('Failed to fetch'));
    document.body.innerHTML = '<aicado-agent agent-id="demo"></aicado-agent>';
    defineElementOnUse(init, load);
    for (let added = 0; added < 3; added++) {
      await flush();
      document.body.append(document.createElement('aicado-agent'));
    }
    await flush();
    expect(load).toHaveBeenCalledTimes(4);
    const online = listening.mock.calls.filter(([type]) => type === 'online');
    listening.mockRestore();
    expect(online).toHaveLength(1);
    load.mockResolvedValue({ defineAgentElement });
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(load).toHaveBeenCalledTimes(5);
    expect(defineAgentElement).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('online'));
    await flush();
    expect(load).toHaveBeenCalledTimes(5);
  });
});
