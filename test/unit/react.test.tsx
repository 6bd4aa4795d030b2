import { act, createElement, StrictMode, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AicadoAgent as AgentHandle } from '../../src/index.js';
import * as entry from '../../src/react/index.js';
import { AicadoAgent, useAicado, type AicadoAgentProps } from '../../src/react/index.js';
import { userIdOf as identityOf } from '../../src/contract/identity.js';
import { paramsPatch } from '../../src/bindings/params-diff.js';
import { stubQueryApi } from './support.js';

// Tells React these renders are wrapped in act(), as in its own test setup.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type TestParams = { user_id?: string; plan?: string };
const base = { agentId: 'demo', apiBase: 'http://api.test', storage: 'memory' as const, open: true };

let container: HTMLDivElement;
let root: Root;
let handles: (AgentHandle | undefined)[];

/** Records every handle `useAicado()` returned, so tests can reach the mounted agent. */
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

function widget(props: Partial<AicadoAgentProps<TestParams>> = {}, wrap: (node: ReactNode) => ReactNode = (node) => node) {
  return wrap(createElement(AicadoAgent<TestParams>, { ...base, ...props }, createElement(Probe)));
}
async function render(node: ReactNode) {
  await act(async () => root.render(node));
}

/** An unverified JWT-shaped token whose payload carries `params`, as `signParams` on the server makes. */
function token(params: Record<string, unknown>, nonce = 'sig') {
  const segment = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment({ params, exp: 2_000_000_000 })}.${nonce}`;
}

beforeEach(() => {
  handles = [];
  container = document.body.appendChild(document.createElement('div'));
  root = createRoot(container);
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('<AicadoAgent>', () => {
  it('mounts one widget and gives its handle to children through useAicado()', async () => {
    await render(widget({ params: { user_id: 'u_1' } }));
    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]!.getAttribute('data-mode')).toBe('bubble');
    expect(container.innerHTML).toBe(''); // bubble mode renders nothing of its own
    expect(handles[0]).toBeUndefined(); // before the widget is mounted
    expect(agentOf().agentId).toBe('demo');
    expect(agentOf().getParams()).toEqual({ user_id: 'u_1' });
  });

  it('useAicado() outside an <AicadoAgent> is undefined', async () => {
    await render(createElement(Probe));
    expect(handles).toEqual([undefined]);
  });

  it('applies params changes by value, without re-creating the widget', async () => {
    await render(widget({ params: { user_id: 'u_1', plan: 'pro' } }));
    const host = hosts()[0];
    const agent = agentOf();
    const changes = vi.fn();
    agent.on('params', changes);

    await render(widget({ params: { user_id: 'u_1', plan: 'pro' } })); // a new, equal object literal
    expect(changes).not.toHaveBeenCalled();

    await render(widget({ params: { user_id: 'u_1', plan: 'free' } }));
    expect(agent.getParams()).toEqual({ user_id: 'u_1', plan: 'free' });
    await render(widget({ params: { user_id: 'u_1' } })); // a key that disappears is removed
    expect(agent.getParams()).toEqual({ user_id: 'u_1' });
    expect(changes).toHaveBeenCalledTimes(2);

    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]).toBe(host);
    expect(agentOf()).toBe(agent);
  });

  it('other option changes are not live; a new agentId re-creates the widget', async () => {
    await render(widget({ title: 'One' }));
    const [host] = hosts();
    const first = agentOf();
    await render(widget({ title: 'Two' }));
    expect(hosts()[0]).toBe(host);

    await render(widget({ agentId: 'other' }));
    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]).not.toBe(host);
    expect(hosts()[0]!.getAttribute('data-agent-id')).toBe('other');
    expect(agentOf().agentId).toBe('other');
    expect(() => first.getParams()).not.toThrow();
    expect(() => first.setParams({})).toThrow(/destroyed/);
  });

  it('a change of params.user_id switches user with identify(): the transcript is cleared', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    await render(widget({ params: { user_id: 'u_1', plan: 'pro' } }));
    const host = hosts()[0];
    const agent = agentOf();
    await act(() => agent.send('Hello from u_1'));
    expect(messages()).toEqual(['You: Hello from u_1']);

    await render(widget({ params: { user_id: 'u_2' } }));
    expect(messages()).toEqual([]);
    expect(agent.getParams()).toEqual({ user_id: 'u_2' });
    expect(hosts()[0]).toBe(host);

    await act(() => agent.send('Hello from u_2'));
    expect(requests.map((r) => r.body.params)).toEqual([{ user_id: 'u_1', plan: 'pro' }, { user_id: 'u_2' }]);
    expect(requests[0]!.body.conversation_id).not.toBe(requests[1]!.body.conversation_id);
  });

  it('a new token for the same user is set live; a token for another user switches user', async () => {
    const { requests } = stubQueryApi({ deltas: ['ok'] });
    const first = token({ user_id: 'u_1' }, 'a');
    const refreshed = token({ user_id: 'u_1' }, 'b');
    const other = token({ user_id: 'u_2' });
    await render(widget({ signedParams: first, params: { plan: 'pro' } }));
    const agent = agentOf();
    await act(() => agent.send('one'));

    await render(widget({ signedParams: refreshed, params: { plan: 'pro' } }));
    await act(() => agent.send('two'));
    expect(messages()).toEqual(['You: one', 'You: two']); // same user, same conversation

    // The signed user_id wins over params.user_id, and its change is what counts.
    await render(widget({ signedParams: other, params: { plan: 'pro', user_id: 'u_1' } }));
    expect(messages()).toEqual([]);
    await act(() => agent.send('three'));
    expect(requests.map((r) => r.body.signed_params)).toEqual([first, refreshed, other]);
    expect(requests[2]!.body.params).toEqual({ plan: 'pro', user_id: 'u_1' });
  });

  it('unmount destroys the widget and leaves no DOM', async () => {
    await render(widget({ mode: 'inline', className: 'chat' }));
    const agent = agentOf();
    await act(async () => root.unmount());
    expect(hosts()).toHaveLength(0);
    expect(container.innerHTML).toBe('');
    expect(() => agent.setParams({})).toThrow(/destroyed/);
    root = createRoot(container); // for afterEach
  });

  it('survives StrictMode: one working widget and no warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    stubQueryApi({ deltas: ['Hi ', 'there'] });
    await render(widget({ params: { user_id: 'u_1' } }, (node) => createElement(StrictMode, null, node)));
    expect(hosts()).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();

    const agent = agentOf();
    await expect(act(() => agent.send('Hello'))).resolves.toMatchObject({ output: 'Hi there' });
    expect(messages()).toEqual(['You: Hello']);
    await render(widget({ params: { user_id: 'u_1', plan: 'free' } }, (node) => createElement(StrictMode, null, node)));
    expect(agent.getParams()).toEqual({ user_id: 'u_1', plan: 'free' });
    expect(hosts()).toHaveLength(1);
  });

  it('inline mode mounts the widget in its own <div>, followed by the children', async () => {
    await render(widget({ mode: 'inline', className: 'chat', style: { height: '400px' } }));
    const div = container.firstElementChild as HTMLDivElement;
    expect(div.tagName).toBe('DIV');
    expect(div.className).toBe('chat');
    expect(div.style.height).toBe('400px');
    expect(div.children).toHaveLength(1);
    expect(div.firstElementChild).toBe(hosts()[0]);
    expect(hosts()[0]!.getAttribute('data-mode')).toBe('inline');
    expect(container.children).toHaveLength(1);

    await render(widget({ mode: 'bubble' })); // a new mode re-creates the widget where it belongs
    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]!.parentElement).toBe(document.body);
    expect(container.innerHTML).toBe('');
  });
});

describe('aicado-embed/react', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(entry).sort()).toEqual(['AicadoAgent', 'useAicado']);
  });

  it('checks params at compile time, as init() does', () => {
    // Never called: tsc checks these lines.
    const typed = () => [
      // @ts-expect-error a_id is restricted by Aicado
      AicadoAgent({ agentId: 'demo', params: { a_id: 'x' } }),
      // @ts-expect-error values are strings, numbers, booleans or null
      AicadoAgent({ agentId: 'demo', params: { nested: { x: 1 } } }),
      // @ts-expect-error the component supplies the container
      AicadoAgent({ agentId: 'demo', container: '#chat' }),
      AicadoAgent({ agentId: 'demo', params: { user_id: 'u_1', visits: 3, beta: true } }),
    ];
    expect(typed).toBeTypeOf('function');
  });
});

describe('userIdOf (who the widget speaks for)', () => {
  it('reads user_id from the signed token, then from params, else anonymous', () => {
    expect(identityOf({ user_id: 'u_p' }, token({ user_id: 'u_s' }))).toBe('u_s');
    expect(identityOf({ user_id: 'u_p' }, token({ plan: 'pro' }))).toBe('u_p');
    expect(identityOf({ user_id: 'u_p' }, undefined)).toBe('u_p');
    expect(identityOf({ plan: 'pro' }, undefined)).toBeUndefined();
    expect(identityOf(undefined, token({ user_id: 'Şükrü ✓' }))).toBe('Şükrü ✓');
    // Tokens carry base64url without padding: payloads of every length modulo 4 are read.
    for (const id of ['u', 'u1', 'u12', 'u123']) expect(identityOf(undefined, token({ user_id: id }))).toBe(id);
  });

  it('ignores a token it cannot decode', () => {
    for (const bad of ['', 'nope', 'a.!!!.c', `a.${btoa('not json')}.c`, `a.${btoa('null')}.c`]) {
      expect(identityOf({ user_id: 'u_p' }, bad)).toBe('u_p');
    }
  });
});

describe('paramsPatch', () => {
  it('lists changed and added keys, and removed keys as undefined', () => {
    expect(paramsPatch({ a: 1, b: 'x', c: true }, { a: 1, b: 'y', d: null })).toEqual({ b: 'y', c: undefined, d: null });
    expect(paramsPatch({ a: 1 }, { a: 1, b: undefined })).toEqual({});
    expect(paramsPatch(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(paramsPatch({ valueOf: 'x', toString: 'y' }, {})).toEqual({ valueOf: undefined, toString: undefined });
    expect(paramsPatch({}, { toString: 'y' })).toEqual({ toString: 'y' });
    expect(paramsPatch({ a: 1 }, undefined)).toEqual({ a: undefined });
  });
});
