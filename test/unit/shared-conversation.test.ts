import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/at-load/core/agent-state.js';
import { openStorage } from '../../src/at-load/core/storage.js';
import { AicadoError } from '../../src/contract/errors.js';
import type { Params } from '../../src/contract/params.js';
import { CancellationScope } from '../../src/on-intent/conversation/cancellation-scope.js';
import { SharedConversation, type SharedConversationHost } from '../../src/on-intent/conversation/shared-conversation.js';
import type { TabMessage } from '../../src/on-intent/conversation/tab-channel.js';
import type { StoredConversation } from '../../src/on-intent/conversation/transcript.js';

const AGENT = 'demo';
/** The channel the tabs of the agent speak on, and where its anonymous conversation is stored. */
const CHANNEL = 'aicado:v1:demo:tabs';
const KEY = 'aicado:v1:demo:conversation';
const CONVERSATION = 'c_shared0000';

const user = (id: string): ChatMessage => ({ id: `${id}:user`, role: 'user', text: `asked ${id}`, queryId: id, status: 'done' });
const agent = (id: string, status: ChatMessage['status'], rev?: number, text = ''): ChatMessage => ({
  id,
  role: 'agent',
  text,
  queryId: id,
  status,
  ...(rev === undefined ? {} : { rev }),
});
const request = (id: string, conversationId = CONVERSATION) => ({
  query_id: id,
  conversation_id: conversationId,
  input: `asked ${id}`,
  params: {},
});
const conversation = (messages: ChatMessage[], pending: string[] = [], conversationId = CONVERSATION): StoredConversation => ({
  conversationId,
  messages,
  pending: pending.map((id) => request(id, conversationId)),
});

/** One tab's agent, as far as its shared conversation sees it: what it would store now, and what it is told. */
interface Tab {
  shared: SharedConversation;
  host: { [K in keyof SharedConversationHost]: ReturnType<typeof vi.fn<SharedConversationHost[K]>> };
  /** What `record()` returns: this tab's conversation as it would store it now. */
  mine: StoredConversation;
}

let opened: SharedConversation[] = [];
let channels: BroadcastChannel[] = [];
/** Every message posted on the agent's channel, as another tab (or a listener of the test) receives it. */
let heard: TabMessage[] = [];

/** A tab of the agent, in this window: its storage is this window's localStorage, its channel a BroadcastChannel. */
function openTab(mine = conversation([]), { identity = 'anonymous', shared = true } = {}): Tab {
  const tab = { mine } as Tab;
  tab.host = {
    record: vi.fn(() => tab.mine),
    switchUser: vi.fn(),
    follow: vi.fn(),
    update: vi.fn(),
  };
  tab.shared = new SharedConversation(openStorage('local'), AGENT, identity, shared, tab.host);
  opened.push(tab.shared);
  return tab;
}

/** A script of the test on the agent's channel, speaking as a tab would. */
function rawChannel(): BroadcastChannel {
  const channel = new BroadcastChannel(CHANNEL);
  channels.push(channel);
  return channel;
}

/**
 * Waits until what was posted so far has been delivered: a marker posted after it has reached the
 * listener (the tabs' messages are delivered in the order they were posted, a moment later).
 */
async function delivered(): Promise<void> {
  const marker = { type: 'marker', nonce: Math.random() } as unknown as TabMessage;
  rawChannel().postMessage(marker);
  await vi.waitFor(() => expect(heard).toContainEqual(marker), { timeout: 1000, interval: 5 });
  heard.splice(heard.indexOf(marker), 1);
  // Messages posted by other channel objects may still be on their way: give them a few more turns.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const stored = (key = KEY) => JSON.parse(localStorage.getItem(key) ?? 'null') as StoredConversation | null;

beforeEach(() => {
  localStorage.clear();
  heard = [];
  const listener = new BroadcastChannel(CHANNEL);
  listener.onmessage = (event: MessageEvent<TabMessage>) => heard.push(event.data);
  channels.push(listener);
});
afterEach(() => {
  for (const shared of opened) shared.close();
  for (const channel of channels) channel.close();
  opened = [];
  channels = [];
  localStorage.clear();
});

describe('SharedConversation: changes made in one tab reach the others', () => {
  it('persist in one tab: stored, and the other tab is updated with it merged with what it knew', async () => {
    const base = [user('q_first0000'), agent('q_first0000', 'done', 2, 'first answer')];
    const a = openTab(conversation(base));
    const b = openTab(conversation(base));
    const asked = conversation([...base, user('q_fromA0000'), agent('q_fromA0000', 'sending', 1)], ['q_fromA0000']);
    a.shared.persist(asked);
    expect(stored()).toEqual(asked);

    await vi.waitFor(() => expect(b.host.update).toHaveBeenCalledTimes(1));
    expect(b.host.update).toHaveBeenCalledWith(asked);
    expect(b.host.follow).not.toHaveBeenCalled();
    await delivered();
    // B knew nothing more: it stored nothing and told nobody.
    expect(heard).toEqual([{ type: 'state', key: KEY, conversation: asked }]);
    expect(a.host.update).not.toHaveBeenCalled();
  });

  it('crossing writes: the tab that knew more stores the merge and tells the others, and both converge on it', async () => {
    const base = [user('q_first0000'), agent('q_first0000', 'done', 2, 'first answer')];
    const fromA = conversation([...base, user('q_fromA0000'), agent('q_fromA0000', 'sending', 1)], ['q_fromA0000']);
    const fromB = conversation([...base, user('q_fromB0000'), agent('q_fromB0000', 'sending', 1)], ['q_fromB0000']);
    const a = openTab(fromA);
    const b = openTab(fromB);
    // B had not stored its query yet when A's write came.
    a.shared.persist(fromA);

    const merged = conversation(
      [...base, user('q_fromA0000'), agent('q_fromA0000', 'sending', 1), user('q_fromB0000'), agent('q_fromB0000', 'sending', 1)],
      ['q_fromA0000', 'q_fromB0000'],
    );
    await vi.waitFor(() => expect(b.host.update).toHaveBeenCalledWith(merged));
    await vi.waitFor(() => expect(a.host.update).toHaveBeenCalled());
    expect(a.host.update).toHaveBeenLastCalledWith(merged);
    expect(stored()).toEqual(merged);
    await delivered();
    // A's write, then B's merge; A agrees with the merge and writes nothing more.
    expect(heard.map((m) => m.type === 'state' && m.conversation)).toEqual([fromA, merged]);
  });

  it('persist stores over what another tab stored meanwhile, before hearing of it', () => {
    const base = [user('q_first0000'), agent('q_first0000', 'done', 2, 'first answer')];
    const a = openTab(conversation(base));
    const b = openTab(conversation(base));
    const fromB = conversation([...base, user('q_fromB0000'), agent('q_fromB0000', 'sending', 1)], ['q_fromB0000']);
    b.shared.persist(fromB);
    // A's copy of the first answer is newer (rated), and it knows nothing of B's query yet.
    const rated = conversation([user('q_first0000'), { ...agent('q_first0000', 'done', 3, 'first answer'), rating: 'up' }]);
    a.shared.persist(rated);
    expect(stored()).toEqual(
      conversation(
        [
          user('q_first0000'),
          { ...agent('q_first0000', 'done', 3, 'first answer'), rating: 'up' },
          user('q_fromB0000'),
          agent('q_fromB0000', 'sending', 1),
        ],
        ['q_fromB0000'],
      ),
    );
  });

  it('a reset (save with fresh) is followed by the other tab; another conversation is followed only when fresh or not empty', async () => {
    const base = [user('q_first0000'), agent('q_first0000', 'done', 2, 'first answer')];
    const a = openTab(conversation(base));
    const b = openTab(conversation(base));
    const channel = rawChannel();

    // Another conversation, empty and not fresh (a tab that has not spoken yet): not followed.
    const empty = conversation([], [], 'c_another000');
    channel.postMessage({ type: 'state', key: KEY, conversation: empty } satisfies TabMessage);
    await delivered();
    expect(b.host.follow).not.toHaveBeenCalled();
    expect(b.host.update).not.toHaveBeenCalled();

    const reset = conversation([], [], 'c_reset00000');
    a.shared.save(reset, true);
    expect(stored()).toEqual(reset);
    await vi.waitFor(() => expect(b.host.follow).toHaveBeenCalledWith(reset));
    expect(b.host.update).not.toHaveBeenCalled();

    // A conversation another tab started while this one had none yet, with messages: followed too.
    b.host.follow.mockClear();
    const started = conversation([user('q_started00'), agent('q_started00', 'sending', 1)], ['q_started00'], 'c_started000');
    channel.postMessage({ type: 'state', key: KEY, conversation: started } satisfies TabMessage);
    await vi.waitFor(() => expect(b.host.follow).toHaveBeenCalledWith(started));
    expect(a.host.follow).toHaveBeenCalledWith(started);
  });

  it("a conversation stored under another identity's key is not this tab's: ignored", async () => {
    const b = openTab(conversation([]), { identity: 'user:abc' });
    rawChannel().postMessage({
      type: 'state',
      key: KEY,
      conversation: conversation([user('q_anonym000'), agent('q_anonym000', 'done', 1)], [], 'c_anonymous0'),
      fresh: true,
    } satisfies TabMessage);
    await delivered();
    expect(b.host.follow).not.toHaveBeenCalled();
    expect(b.host.update).not.toHaveBeenCalled();
  });
});

describe('SharedConversation: switching user', () => {
  it('switchUser(identity, tell) clears this identity’s transcript and the other tab switches with the params, token and conversation', async () => {
    const a = openTab(conversation([user('q_first0000')]));
    const b = openTab(conversation([user('q_first0000')]));
    a.shared.save(conversation([user('q_first0000'), agent('q_first0000', 'done', 1)]));
    await vi.waitFor(() => expect(b.host.update).toHaveBeenCalled());

    const params: Params = { user_id: 'u_2', plan: 'pro' };
    a.shared.switchUser('user:u2', { params, signedParams: 'header.payload.signature', conversationId: 'c_switched00' });
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(a.shared.load()).toBeUndefined();
    await vi.waitFor(() => expect(b.host.switchUser).toHaveBeenCalledTimes(1));
    expect(b.host.switchUser).toHaveBeenCalledWith({ user_id: 'u_2', plan: 'pro' }, 'header.payload.signature', 'c_switched00');
  });

  it('params that break the rules are ignored', async () => {
    const b = openTab();
    const channel = rawChannel();
    channel.postMessage({ type: 'identity', params: { a_id: 'restricted' }, conversationId: 'c_switched00' });
    channel.postMessage({ type: 'identity', params: ['not', 'an', 'object'], conversationId: 'c_switched00' });
    channel.postMessage({ type: 'identity', params: { user_id: 'u_3' }, conversationId: 'c_switched01' } satisfies TabMessage);
    await vi.waitFor(() => expect(b.host.switchUser).toHaveBeenCalled());
    await delivered();
    expect(b.host.switchUser.mock.calls).toEqual([[{ user_id: 'u_3' }, undefined, 'c_switched01']]);
  });

  it("switchUser(identity) without tell clears this identity's transcript and posts nothing", async () => {
    const a = openTab();
    const b = openTab();
    localStorage.setItem(KEY, JSON.stringify(conversation([user('q_first0000'), agent('q_first0000', 'done', 1)])));
    a.shared.switchUser('user:u2');
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(a.shared.load()).toBeUndefined();
    await delivered();
    expect(heard).toEqual([]);
    expect(b.host.switchUser).not.toHaveBeenCalled();

    // The next save is the new identity's.
    const next = conversation([user('q_second000')], [], 'c_switched00');
    a.shared.save(next);
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(a.shared.load()).toEqual(next);
  });
});

describe('SharedConversation: a conversation kept to one tab (shared = false)', () => {
  it('posts nothing and merges nothing: persist, save fresh and switchUser with tell', async () => {
    const b = openTab();
    const base = [user('q_first0000'), agent('q_first0000', 'done', 2, 'first answer')];
    localStorage.setItem(KEY, JSON.stringify(conversation([...base, user('q_other0000')])));
    const alone = openTab(conversation(base), { shared: false });
    alone.shared.persist(conversation(base));
    // Stored as it is, over what another tab stored.
    expect(stored()).toEqual(conversation(base));
    alone.shared.save(conversation([], [], 'c_reset00000'), true);
    alone.shared.switchUser('user:u2', { params: { user_id: 'u_2' }, signedParams: undefined, conversationId: 'c_switched00' });
    await delivered();
    expect(heard).toEqual([]);
    expect(b.host.update).not.toHaveBeenCalled();
    expect(b.host.follow).not.toHaveBeenCalled();
    expect(b.host.switchUser).not.toHaveBeenCalled();
  });

  it('hears nothing from the other tabs', async () => {
    const a = openTab();
    const alone = openTab(conversation([]), { shared: false });
    a.shared.save(conversation([], [], 'c_reset00000'), true);
    a.shared.switchUser('anonymous', { params: {}, signedParams: undefined, conversationId: 'c_switched00' });
    await delivered();
    expect(heard).toHaveLength(2);
    expect(alone.host.follow).not.toHaveBeenCalled();
    expect(alone.host.switchUser).not.toHaveBeenCalled();
  });

  it('exclusive runs the task at once, without a lock, and nothing is settled elsewhere', async () => {
    const alone = openTab(conversation([]), { shared: false });
    const task = vi.fn(async () => 'ran');
    const running = alone.shared.exclusive('q_first0000', task, {
      scope: new CancellationScope(),
      abandoned: () => false,
      contended: true,
    });
    expect(task).toHaveBeenCalledTimes(1);
    await expect(running).resolves.toBe('ran');
    expect(Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i))).toEqual([]);

    localStorage.setItem(KEY, JSON.stringify(conversation([user('q_first0000'), agent('q_first0000', 'done', 2, 'stored answer')])));
    expect(alone.shared.settledElsewhere('q_first0000', false)).toBeUndefined();
    expect(alone.shared.settledElsewhere('q_first0000', true)).toBeUndefined();
  });
});

describe('SharedConversation: how a query ended in another tab (settledElsewhere)', () => {
  const sources = [{ title: 'Orders', url: 'https://shop.test/orders' }];

  it('a done or stopped message gives its answer, resumed or not; an unknown query is still to run', () => {
    const a = openTab();
    localStorage.setItem(
      KEY,
      JSON.stringify(
        conversation([
          user('q_done00000'),
          { ...agent('q_done00000', 'done', 4, 'the answer'), sources },
          user('q_stopped00'),
          agent('q_stopped00', 'stopped', 3, 'the ans'),
        ]),
      ),
    );
    for (const resumed of [false, true]) {
      expect(a.shared.settledElsewhere('q_done00000', resumed)).toEqual({
        queryId: 'q_done00000',
        output: 'the answer',
        status: 'completed',
        sources,
      });
      expect(a.shared.settledElsewhere('q_stopped00', resumed)).toEqual({
        queryId: 'q_stopped00',
        output: 'the ans',
        status: 'stopped',
        sources: [],
      });
      expect(a.shared.settledElsewhere('q_unknown00', resumed)).toBeUndefined();
    }
  });

  it('a resumed query no longer pending, or failed, is over; one this tab just sent is not; one still pending is still to run', () => {
    const a = openTab();
    localStorage.setItem(
      KEY,
      JSON.stringify(
        conversation(
          [
            user('q_dropped00'),
            agent('q_dropped00', 'streaming', 2, 'Hel'),
            user('q_failed000'),
            agent('q_failed000', 'failed', 2),
            user('q_pending00'),
            agent('q_pending00', 'retrying', 2),
          ],
          ['q_pending00'],
        ),
      ),
    );
    for (const id of ['q_dropped00', 'q_failed000']) {
      const over = a.shared.settledElsewhere(id, true);
      expect(over).toBeInstanceOf(AicadoError);
      expect(over).toMatchObject({ code: 'aborted' });
      expect(a.shared.settledElsewhere(id, false)).toBeUndefined();
    }
    expect(a.shared.settledElsewhere('q_pending00', true)).toBeUndefined();
    expect(a.shared.settledElsewhere('q_pending00', false)).toBeUndefined();
  });

  it('is judged on the freshest copy: what another tab just said beats an older stored copy, and the other way round', async () => {
    const asked = [user('q_first0000'), agent('q_first0000', 'streaming', 2, 'Hel')];
    const b = openTab(conversation(asked, ['q_first0000']));
    localStorage.setItem(KEY, JSON.stringify(conversation(asked, ['q_first0000'])));
    expect(b.shared.settledElsewhere('q_first0000', false)).toBeUndefined();

    // The message arrives before the other tab's storage write does.
    const done = conversation([user('q_first0000'), agent('q_first0000', 'done', 5, 'Hello')]);
    rawChannel().postMessage({ type: 'state', key: KEY, conversation: done } satisfies TabMessage);
    await vi.waitFor(() => expect(b.host.update).toHaveBeenCalled());
    localStorage.setItem(KEY, JSON.stringify(conversation(asked, ['q_first0000'])));
    expect(b.shared.settledElsewhere('q_first0000', false)).toEqual({
      queryId: 'q_first0000',
      output: 'Hello',
      status: 'completed',
      sources: [],
    });

    // A newer stored copy (stopped) beats the older one heard.
    localStorage.setItem(KEY, JSON.stringify(conversation([user('q_first0000'), agent('q_first0000', 'stopped', 6, 'Hell')])));
    expect(b.shared.settledElsewhere('q_first0000', false)).toEqual({
      queryId: 'q_first0000',
      output: 'Hell',
      status: 'stopped',
      sources: [],
    });
  });
});
