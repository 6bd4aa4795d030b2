import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { init, type AicadoAgent, type AicadoError } from '../../src/index.js';
import { stubDefinition, stubQueryApi } from './support.js';

// The agent's definition (GET /v1/agents/{id}): asked for after the launcher has painted, at most once
// per page load, and from then on the params are checked against the keys and types it declares.

const DEMO = {
  agent_id: 'demo',
  name: 'Demo store',
  params: {
    user_id: { type: 'string', description: 'The customer id.', maxLength: 64 },
    plan: { type: 'string', description: 'The plan.', enum: ['free', 'pro'] },
    seats: { type: 'number', description: 'Seats.' },
  },
};

let agents: AicadoAgent<never>[] = [];
// The definition is fetched once per page load and API base: each test uses its own API base.
let apiBase = '';
let count = 0;
const start = (options: { params?: Record<string, unknown>; agentId?: string } = {}) => {
  const agent = init({ agentId: 'demo', apiBase, storage: 'memory', ...options } as never) as AicadoAgent<never>;
  agents.push(agent);
  return agent as unknown as AicadoAgent;
};
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    const { code, issues } = error as AicadoError;
    return { code, issues: issues.map((issue) => `${issue.key}:${issue.code}`) };
  }
  return undefined;
};

/** The definition was asked for and its answer handled. */
async function arrived(definitionRequests: unknown[]): Promise<void> {
  await vi.waitFor(() => expect(definitionRequests).toHaveLength(1));
  await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeEach(() => {
  apiBase = `http://api${++count}.test`;
});
afterEach(() => {
  for (const agent of agents) agent.destroy();
  agents = [];
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the agent definition', () => {
  it('is asked for after the launcher has painted, not by init, and at most once per page load', async () => {
    stubDefinition({ status: 200, body: DEMO });
    const { definitionRequests } = stubQueryApi({ deltas: ['ok'] });
    const agent = start();
    expect(document.querySelector('aicado-embed')?.shadowRoot?.querySelector('button.launcher')).toBeTruthy();
    expect(definitionRequests).toHaveLength(0); // init returned with the launcher drawn, nothing asked yet
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(definitionRequests).toHaveLength(0); // the frame that paints the launcher comes first
    await vi.waitFor(() => expect(definitionRequests).toHaveLength(1));
    expect(definitionRequests[0]).toMatchObject({ url: `${apiBase}/v1/agents/demo`, init: { credentials: 'omit' } });

    // destroy and init again (an SPA's route change), twice: the same answer, no new request.
    agent.destroy();
    start().destroy();
    const again = start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(definitionRequests).toHaveLength(1);
    expect(codeOf(() => again.setParams({ user_Id: 'u' }))?.code).toBe('undeclared_param');
  });

  it('then refuses an undeclared key or a value of another type in setParams and identify, listing every problem, and changes nothing', async () => {
    stubDefinition({ status: 200, body: DEMO });
    const { definitionRequests } = stubQueryApi({ deltas: ['ok'] });
    const agent = start({ params: { user_id: 'u_42' } });
    await arrived(definitionRequests);

    const error = (() => {
      try {
        agent.setParams({ user_Id: 'u', seats: '3', plan: 'pro' });
      } catch (caught) {
        return caught as AicadoError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ name: 'AicadoError', code: 'undeclared_param' });
    expect(error?.issues).toEqual([
      {
        key: 'user_Id',
        code: 'undeclared_param',
        message: '"user_Id" is not declared (did you mean "user_id"?); declared: user_id, plan, seats',
      },
      { key: 'seats', code: 'invalid_param_type', message: '"seats" must be a number, got "3"' },
    ]);
    expect(codeOf(() => agent.setParams({ seats: true }))).toEqual({ code: 'invalid_param_type', issues: ['seats:invalid_param_type'] });
    expect(codeOf(() => agent.identify({ params: { userid: 'u_7' } }))).toEqual({
      code: 'undeclared_param',
      issues: ['userid:undeclared_param'],
    });
    expect(agent.getParams()).toEqual({ user_id: 'u_42' });
    // Valid ones still pass; enum values and lengths are the API's to check.
    agent.setParams({ plan: 'pro', seats: 3 });
    agent.identify({ params: { user_id: 'u_7' } });
    expect(agent.getParams()).toEqual({ user_id: 'u_7' });
  });

  it('reports init params that break it when it arrives (error event, console), and sends no query with them', async () => {
    stubDefinition({ status: 200, body: DEMO });
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const agent = start({ params: { user_Id: 'u_42', seats: 2 } });
    const errors: AicadoError[] = [];
    agent.on('error', ({ error }) => errors.push(error));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'undeclared_param', issues: [{ key: 'user_Id', code: 'undeclared_param' }] });
    expect(logged).toHaveBeenCalledWith(errors[0]);

    await expect(agent.send('Where is my order?')).rejects.toMatchObject({ code: 'undeclared_param' });
    expect(errors).toHaveLength(2);
    expect(requests).toHaveLength(0);
    // Fixed, the next query goes out with the right key.
    agent.setParams({ user_Id: undefined, user_id: 'u_42' });
    await agent.send('Where is my order?');
    expect(requests.map((request) => request.body.params)).toEqual([{ seats: 2, user_id: 'u_42' }]);
  });

  it('keeps the rule every agent shares when the API is unreachable, answers an error or no definition, or declares nothing', async () => {
    const replies = [
      new TypeError('Failed to fetch'),
      { status: 500, body: {} },
      { status: 200, body: { params: { x: { type: 'date' } } } },
      { status: 200, body: { ...DEMO, params: {} } },
    ];
    for (const reply of replies) {
      apiBase = `http://api${++count}.test`;
      stubDefinition(reply);
      const { requests, definitionRequests } = stubQueryApi({ deltas: ['ok'] });
      const agent = start({ params: { anything: 'goes' } });
      await arrived(definitionRequests);
      agent.setParams({ user_Id: 1 });
      await agent.send('hi');
      expect(requests.at(-1)?.body.params).toEqual({ anything: 'goes', user_Id: 1 });
      agent.destroy();
    }
  });

  it("a query sent before it arrives meets the API's check: the refusal comes back as undeclared_param with its issues", async () => {
    const issues = [
      { key: 'user_Id', code: 'undeclared_param', message: '"user_Id" is not declared (did you mean "user_id"?); declared: user_id' },
    ];
    stubQueryApi({
      status: 400,
      body: { error: { code: 'undeclared_param', message: `Params do not match the agent's definition: ${issues[0]!.message}`, issues } },
    });
    const agent = start({ params: { user_Id: 'u' } });
    const sent = agent.send('hi');
    await expect(sent).rejects.toMatchObject({ code: 'undeclared_param', status: 400, issues });
  });
});
