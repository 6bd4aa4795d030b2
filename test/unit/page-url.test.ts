import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent, type InitOptions } from '../../src/index.js';
import { stubQueryApi } from './support.js';

const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const };
let agents: AicadoAgent<never>[] = [];
const start = (options: InitOptions) => {
  const agent = init(options);
  agents.push(agent as AicadoAgent<never>);
  return agent;
};

beforeEach(() => localStorage.clear());
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('what the API learns of the page', () => {
  it('sends origin and path only by default; the query string and fragment stay in the page', async () => {
    history.replaceState(null, '', '/reset-password?token=s3cret#code=abc');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/reset-password` });
    expect(JSON.stringify(requests[0]!.body)).not.toContain('s3cret');
  });

  it("sends the full address with context: { pageUrl: 'full' }", async () => {
    history.replaceState(null, '', '/search?q=shoes');
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await start({ ...base, context: { pageUrl: 'full' } }).send('hi');
    expect(requests[0]!.body.context).toMatchObject({ page_url: `${location.origin}/search?q=shoes` });
  });
});
