import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installStub, loadBundle, scriptTagWindow as win, stubQueryApi } from './support.js';

type ErrorEvent = { error: { code: string; message: string } };

const sales = { agentId: 'sales', apiBase: 'http://api.test', storage: 'local', params: { user_id: 'u_1', team: 'sales' } };
const support = { agentId: 'support', apiBase: 'http://api.test', storage: 'local', params: { user_id: 'u_1', ticket: 7 } };

beforeEach(() => {
  localStorage.clear();
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const agentId of ['sales', 'support', 'demo']) win.Aicado?.('destroy', { agentId });
  delete win.Aicado;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('several agents through the script-tag queue', () => {
  it('mounts one widget per init; a trailing { agentId } sends through that agent with its own params', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const aicado = installStub();
    aicado('init', sales);
    aicado('init', support);
    aicado('setParams', { plan: 'pro' }, { agentId: 'sales' });
    aicado('send', 'to sales', { agentId: 'sales' });
    aicado('send', 'to support', { agentId: 'support' });
    await loadBundle();
    expect([...document.querySelectorAll('aicado-embed')].map((e) => e.getAttribute('data-agent-id'))).toEqual(['sales', 'support']);
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    const byAgent = Object.fromEntries(requests.map((r) => [r.url.split('/')[5], r.body]));
    expect(byAgent.sales).toMatchObject({ input: 'to sales', params: { user_id: 'u_1', team: 'sales', plan: 'pro' } });
    expect(byAgent.support).toMatchObject({ input: 'to support', params: { user_id: 'u_1', ticket: 7 } });
    expect(byAgent.sales!.conversation_id).not.toBe(byAgent.support!.conversation_id);
    // Each agent stores its own conversation.
    expect(
      Object.keys(localStorage)
        .filter((k) => k.endsWith(':conversation'))
        .sort(),
    ).toEqual([expect.stringMatching(/^aicado:v1:sales:/), expect.stringMatching(/^aicado:v1:support:/)]);
  });

  it('refuses a call without agentId while several agents run, naming them, through console.error and the error event', async () => {
    const { fetchMock } = stubQueryApi({ deltas: ['ok'] });
    const aicado = installStub();
    const errors: ErrorEvent['error'][] = [];
    aicado('on', 'error', (e: ErrorEvent) => errors.push(e.error));
    aicado('init', sales);
    aicado('init', support);
    aicado('send', 'to whom?');
    await loadBundle();
    expect(() => win.Aicado!('open')).not.toThrow();
    expect(errors.map((e) => e.code)).toEqual(['agent_required', 'agent_required']);
    expect(errors[0]!.message).toMatch(/"sales", "support"/);
    expect(errors[0]!.message).toContain("Aicado('send', …, { agentId: 'sales' })");
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining("Aicado('open') failed"), expect.anything());
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('refuses an agentId that is not running, naming the running ones', async () => {
    installStub()('init', sales);
    await loadBundle();
    const errors: ErrorEvent['error'][] = [];
    win.Aicado!('on', 'error', (e: ErrorEvent) => errors.push(e.error));
    win.Aicado!('open', { agentId: 'billing' });
    expect(errors).toEqual([
      expect.objectContaining({ code: 'unknown_agent', message: expect.stringMatching(/"billing".*running: "sales"/) }),
    ]);
  });

  it('destroys only the named agent; with one left, calls without agentId reach it again', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const aicado = installStub();
    aicado('init', sales);
    aicado('init', support);
    await loadBundle();
    win.Aicado!('destroy', { agentId: 'sales' });
    expect([...document.querySelectorAll('aicado-embed')].map((e) => e.getAttribute('data-agent-id'))).toEqual(['support']);
    win.Aicado!('send', 'only one left');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.url).toBe('http://api.test/v1/agents/support/queries');
  });

  it('reads the trailing option by position: a params patch that has an agentId key is still a patch', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    installStub()('init', { ...sales, storage: 'memory' });
    await loadBundle();
    win.Aicado!('setParams', { agentId: 'crm-7' });
    win.Aicado!('send', 'hi');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body.params).toMatchObject({ agentId: 'crm-7', team: 'sales' });
  });

  it('per-agent listeners hear only their agent; an error listener without agentId hears every agent', async () => {
    stubQueryApi({ status: 400, body: { error: { code: 'bad_request', message: 'no' } } });
    const aicado = installStub();
    const heard: string[] = [];
    aicado('init', { ...sales, storage: 'memory' });
    aicado('init', { ...support, storage: 'memory' });
    aicado('on', 'error', (e: ErrorEvent) => heard.push(`all:${e.error.code}`));
    aicado('on', 'query', () => heard.push('support:query'), { agentId: 'support' });
    await loadBundle();
    await (win.Aicado!('send', 'x', { agentId: 'sales' }) as Promise<unknown>).catch(() => undefined);
    await (win.Aicado!('send', 'y', { agentId: 'support' }) as Promise<unknown>).catch(() => undefined);
    expect(heard).toEqual(['all:bad_request', 'support:query', 'all:bad_request']);
  });

  it('a second script tag with data attributes adds its agent to the running loader', async () => {
    installStub()('init', { ...sales, storage: 'memory' });
    await loadBundle();
    const second = document.createElement('script');
    second.dataset.agentId = 'support';
    second.dataset.apiBase = 'http://api.test';
    second.dataset.storage = 'memory';
    vi.spyOn(document, 'currentScript', 'get').mockReturnValue(second);
    vi.resetModules();
    await import('../../src/script-tag-single.js');
    expect([...document.querySelectorAll('aicado-embed')].map((e) => e.getAttribute('data-agent-id'))).toEqual(['sales', 'support']);
  });
});
