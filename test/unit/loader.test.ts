import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installStub, loadBundle, scriptTagWindow as win, stubQueryApi } from './support.js';

beforeEach(() => {
  localStorage.clear();
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  win.Aicado?.('destroy');
  delete win.Aicado;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('script-tag loader', () => {
  it('replays error listeners first, then init, then the rest, in order', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const aicado = installStub();
    const errors: string[] = [];
    aicado('setParams', { plan: 'pro' });
    aicado('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory', params: { user_id: 'u_1' } });
    aicado('on', 'error', (e: { error: { code: string } }) => errors.push(e.error.code));
    aicado('send', 'hello');
    await loadBundle();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.body.params).toEqual({ user_id: 'u_1', plan: 'pro' });
    win.Aicado!('setParams', { a_id: 'x' });
    expect(errors).toEqual(['invalid_params']);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining('"a_id" is restricted'), expect.anything());
  });

  it('keeps queueing calls made while the page has no <body> yet, and replays them in order', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const body = document.body;
    body.remove();
    try {
      installStub()('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' });
      await loadBundle();
      expect(win.Aicado!.loaded).toBe(true);
      win.Aicado!('setParams', { plan: 'free' }); // after the bundle ran, before <body>
      win.Aicado!('send', 'early question');
      expect(console.error).not.toHaveBeenCalled();
      document.documentElement.appendChild(body);
      document.dispatchEvent(new Event('DOMContentLoaded'));
      await vi.waitFor(() => expect(requests).toHaveLength(1));
      expect(requests[0]!.body).toMatchObject({ input: 'early question', params: { plan: 'free' } });
    } finally {
      if (!body.isConnected) document.documentElement.appendChild(body);
    }
  });

  it('reports an error once to each listener, however often init is called', async () => {
    stubQueryApi({ status: 400, body: { error: { code: 'bad_request', message: 'no' } } });
    installStub();
    await loadBundle();
    const errors: string[] = [];
    win.Aicado!('on', 'error', (e: { error: { code: string } }) => errors.push(e.error.code));
    win.Aicado!('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' });
    win.Aicado!('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' });
    await (win.Aicado!('send', 'x') as Promise<unknown>).catch(() => undefined);
    expect(errors).toEqual(['bad_request']);
  });

  it('never throws into the host page', async () => {
    installStub();
    await loadBundle();
    expect(() => win.Aicado!('nope')).not.toThrow();
    expect(() => win.Aicado!('open')).not.toThrow();
    expect(() => win.Aicado!('init', { agentId: 'bad id' })).not.toThrow();
    expect(console.error).toHaveBeenCalledTimes(3);
  });

  it('reports a refused queued send as an error event, not only in the console', async () => {
    const { fetchMock } = stubQueryApi({ deltas: ['ok'] });
    const aicado = installStub();
    const errors: string[] = [];
    aicado('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' });
    aicado('on', 'error', (e: { error: { code: string } }) => errors.push(e.error.code));
    await loadBundle();
    await (win.Aicado!('send', '  ') as Promise<unknown>).catch(() => undefined);
    expect(errors).toEqual(['invalid_input']);
    // One console line, from the agent's conversation, naming the code.
    expect(console.error).toHaveBeenCalledTimes(1);
    expect(console.error).toHaveBeenCalledWith(expect.stringMatching(/^\[aicado\] invalid_input: /));
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('ignores a queue or a loaded flag planted on Object.prototype by a hostile page', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const proto = Object.prototype as Record<string, unknown>;
    proto.q = [['init', { agentId: 'evil', apiBase: 'http://evil.test', storage: 'memory' }]];
    proto.loaded = true;
    try {
      // The stub exactly as the README tells a host page to paste it.
      const snippet = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8').match(
        /^\s*(window\.Aicado = window\.Aicado \|\| .*)$/m,
      )?.[1];
      expect(snippet).toBeDefined();
      new Function(snippet!)();
      const stub = win.Aicado!;
      stub('init', { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' });
      stub('send', 'hello');
      await loadBundle();
      await vi.waitFor(() => expect(requests).toHaveLength(1));
      expect(requests[0]!.url).toBe('http://api.test/v1/agents/demo/queries');
    } finally {
      delete proto.q;
      delete proto.loaded;
    }
  });
});
