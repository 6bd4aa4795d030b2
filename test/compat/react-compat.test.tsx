// The React entry in a Preact app: `react`/`react-dom` resolve to preact/compat (see vitest.config.ts),
// the app renders with preact/compat, and preact/test-utils' act() flushes its effects.
import type { ComponentChildren } from 'preact';
import { createElement, render, StrictMode } from 'preact/compat';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AicadoAgent as AgentHandle } from '../../src/index.js';
import { AicadoAgent, useAicado, type AicadoAgentProps } from '../../src/react/index.js';
import { stubQueryApi } from '../unit/support.js';

type TestParams = { user_id?: string; plan?: string };
const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const, open: true };

let container: HTMLDivElement;
let handles: (AgentHandle | undefined)[];

function Probe() {
  handles.push(useAicado());
  return null;
}
const agentOf = () => handles.at(-1)!;
const hosts = () => document.querySelectorAll('aicado-embed');
/** The visitor's messages as a screen reader starts them ("You: …"), without their time. */
const messages = () =>
  [...(hosts()[0]?.shadowRoot?.querySelectorAll('.msg.user') ?? [])].map((m) =>
    [...m.childNodes]
      .filter((node) => !(node instanceof Element && node.classList.contains('meta')))
      .map((node) => node.textContent)
      .join(''),
  );

// The component is typed against React's types; under compat it is an ordinary Preact function component.
const Agent = AicadoAgent as unknown as (props: AicadoAgentProps<TestParams> & { children?: ComponentChildren }) => null;
const widget = (props: Partial<AicadoAgentProps<TestParams>> = {}) =>
  createElement(Agent, { ...base, ...props }, createElement(Probe, null));
const show = (node: ComponentChildren) => act(() => void render(node, container));

beforeEach(() => {
  handles = [];
  container = document.body.appendChild(document.createElement('div'));
});
afterEach(async () => {
  await show(null);
  container.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('<AicadoAgent> under preact/compat', () => {
  it('mounts one widget and gives its handle to children', async () => {
    await show(widget({ params: { user_id: 'u_1' } }));
    expect(hosts()).toHaveLength(1);
    expect(container.innerHTML).toBe('');
    expect(agentOf().getParams()).toEqual({ user_id: 'u_1' });
  });

  it('applies params changes by value, without re-creating the widget', async () => {
    await show(widget({ params: { user_id: 'u_1', plan: 'pro' } }));
    const [host] = hosts();
    const agent = agentOf();
    const changes = vi.fn();
    agent.on('params', changes);

    await show(widget({ params: { user_id: 'u_1', plan: 'pro' } }));
    expect(changes).not.toHaveBeenCalled();
    await show(widget({ params: { user_id: 'u_1', plan: 'free' } }));
    expect(agent.getParams()).toEqual({ user_id: 'u_1', plan: 'free' });
    await show(widget({ params: { user_id: 'u_1' } }));
    expect(agent.getParams()).toEqual({ user_id: 'u_1' });
    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]).toBe(host);
  });

  it('a change of user_id switches user: the transcript is cleared', async () => {
    stubQueryApi({ deltas: ['ok'] });
    await show(widget({ params: { user_id: 'u_1' } }));
    const agent = agentOf();
    await act(async () => void (await agent.send('Hello')));
    expect(messages()).toEqual(['You: Hello']);
    await show(widget({ params: { user_id: 'u_2' } }));
    expect(messages()).toEqual([]);
    expect(agent.getParams()).toEqual({ user_id: 'u_2' });
  });

  it('inline mode mounts in its div; unmount leaves no DOM', async () => {
    await show(createElement(StrictMode, null, widget({ mode: 'inline', className: 'chat', style: { height: 400 } })));
    const div = container.firstElementChild as HTMLDivElement;
    expect(div.className).toBe('chat');
    expect(div.style.height).toBe('400px');
    expect(div.firstElementChild).toBe(hosts()[0]);
    expect(hosts()).toHaveLength(1);
    const agent = agentOf();

    await show(null);
    expect(hosts()).toHaveLength(0);
    expect(container.innerHTML).toBe('');
    expect(() => agent.setParams({})).toThrow(/destroyed/);
  });
});
