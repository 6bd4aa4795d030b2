import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryAnswer } from '../../src/at-load/core/agent-state.js';
import { AicadoError } from '../../src/contract/errors.js';
import type { QueryRequest } from '../../src/contract/schemas.js';
import type { AttemptOptions } from '../../src/on-intent/conversation/attempt.js';
import { CancellationScope } from '../../src/on-intent/conversation/cancellation-scope.js';
import { QueryQueue, TAKEOVER_DELAY_MS } from '../../src/on-intent/conversation/query-queue.js';
import type { QueryQueueHost } from '../../src/on-intent/conversation/query-queue-host.js';
import { QUERY_RETRY } from '../../src/on-intent/conversation/query-retry.js';

const API = 'http://api.test';
const AGENT = 'demo';

const request = (id = 'q_first0000', extra: Partial<QueryRequest> = {}): QueryRequest => ({
  query_id: id,
  conversation_id: 'c_convers00',
  input: `asked in ${id}`,
  params: { user_id: 'u_1' },
  ...extra,
});
const answer = (queryId: string, output = 'the answer'): QueryAnswer => ({ queryId, output, status: 'completed', sources: [] });
const stoppedAnswer = (queryId: string, output: string): QueryAnswer => ({ queryId, output, status: 'stopped', sources: [] });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (timers are fake, so a timer cannot be used for this). */
async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** The outcome of a run once it settles, without an unhandled rejection meanwhile. */
function outcome<T>(promise: Promise<T>): { value?: T; error?: unknown; settled: boolean } {
  const seen: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(seen, { value, settled: true }),
    (error: unknown) => Object.assign(seen, { error, settled: true }),
  );
  return seen;
}

type Attempt = (options: AttemptOptions) => Promise<QueryAnswer>;

/**
 * A host as an agent gives one to its queue, with a scripted transport: each attempt takes the next
 * scripted reply and records the request as it was sent (the queue sets the token on it in place).
 */
function fakeHost() {
  const scope = new CancellationScope();
  const state = { online: true, token: 'tok_1' as string | undefined, refusal: undefined as AicadoError | undefined };
  const onlineListeners = new Set<() => void>();
  const replies: Attempt[] = [];
  const sent: QueryRequest[] = [];
  const transport = {
    attemptQuery: vi.fn((options: AttemptOptions) => {
      sent.push({ ...options.request });
      const reply = replies.shift();
      if (!reply) throw new Error(`no reply scripted for attempt ${sent.length}`);
      return reply(options);
    }),
    postQueryAction: vi.fn(
      async (..._args: Parameters<QueryQueueHost['transport']['postQueryAction']>): Promise<QueryAnswer | undefined> => undefined,
    ),
  };
  // As a lock does: the task runs a moment later, and not at all if the query was abandoned meanwhile.
  const lock = vi.fn(async (_queryId: string, task: () => Promise<unknown>, abandoned: () => boolean, _resumed: boolean) => {
    await Promise.resolve();
    return abandoned() ? undefined : task();
  });
  const host = {
    apiBase: API,
    agentId: AGENT,
    scope,
    transport,
    // As the agent's host does: a wait on the online state that the scope's cancelAll ends.
    online: () =>
      scope.until(
        () => state.online,
        (listener) => {
          onlineListeners.add(listener);
          return () => void onlineListeners.delete(listener);
        },
      ),
    token: () => state.token,
    refusal: () => state.refusal,
    onAttempt: vi.fn((_queryId: string, _attempt: number) => undefined),
    onDelta: vi.fn((_queryId: string, _text: string) => undefined),
    onStatus: vi.fn((_queryId: string, _text: string) => undefined),
    onRetrying: vi.fn((_queryId: string) => undefined),
    onAnswer: vi.fn((_queryId: string, _answer: QueryAnswer) => undefined),
    onFailure: vi.fn((_queryId: string, _error: AicadoError) => undefined),
    onChange: vi.fn(() => undefined),
    conversationEnded: vi.fn((_queryId: string, _ended: string) => 'c_newconversation'),
    exclusive: <T>(queryId: string, task: () => Promise<T>, abandoned: () => boolean, resumed: boolean) =>
      lock(queryId, task, abandoned, resumed) as Promise<T | undefined>,
    settledElsewhere: vi.fn((_queryId: string, _resumed: boolean): QueryAnswer | AicadoError | undefined => undefined),
  } satisfies QueryQueueHost;
  return {
    host,
    /** The host's `exclusive`, as a mock (a generic method's mock would lose its type parameter). */
    lock,
    scope,
    state,
    sent,
    /** Scripts the next attempts' replies, in order. */
    reply: (...next: Attempt[]) => replies.push(...next),
    goOnline() {
      state.online = true;
      for (const listener of [...onlineListeners]) listener();
    },
  };
}

const ok =
  (output = 'the answer'): Attempt =>
  async ({ request }) =>
    answer(request.query_id, output);
const fail =
  (error: unknown): Attempt =>
  async () => {
    throw error;
  };
/** An attempt that stays open until the test ends it. */
function open() {
  const stream = deferred<QueryAnswer>();
  const attempt: Attempt = () => stream.promise;
  return { attempt, ...stream };
}

const withoutToken = ({ signed_params: _token, ...rest }: QueryRequest): QueryRequest => rest;

beforeEach(() => {
  vi.useFakeTimers();
  // No jitter: a retry waits exactly the backoff's base.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('QueryQueue: a conversation the API ended', () => {
  it('moves the query once to the conversation the host starts, with the same query id, at once', async () => {
    const { host, sent, reply } = fakeHost();
    const ended = new AicadoError('conversation_ended', 'This conversation has ended', { status: 409 });
    reply(fail(ended), ok('moved'));
    const queue = new QueryQueue(host);
    const r = request();
    const first = r.conversation_id;
    const run = queue.add(r);
    await expect(run).resolves.toMatchObject({ queryId: r.query_id, output: 'moved' });
    expect(sent.map((s) => [s.query_id, s.conversation_id])).toEqual([
      [r.query_id, first],
      [r.query_id, 'c_newconversation'],
    ]);
    expect(host.conversationEnded).toHaveBeenCalledWith(r.query_id, first);
    expect(host.onFailure).not.toHaveBeenCalled();
  });

  it('fails for good when the new conversation is refused as ended too (moved once, never in a loop)', async () => {
    const { host, sent, reply } = fakeHost();
    const ended = () => new AicadoError('conversation_ended', 'This conversation has ended', { status: 409 });
    reply(fail(ended()), fail(ended()));
    const queue = new QueryQueue(host);
    const run = queue.add(request());
    await expect(run).rejects.toMatchObject({ code: 'conversation_ended' });
    expect(sent).toHaveLength(2);
    expect(host.onFailure).toHaveBeenCalledTimes(1);
  });
});

describe('QueryQueue: one query and its attempts', () => {
  it('answers on the first try: sent with the token in force, deltas and status passed on, the query leaves the stored queue', async () => {
    const { host, lock, sent, reply } = fakeHost();
    reply(async ({ request, onStatus, onDelta }) => {
      onStatus('looking it up');
      onDelta('Hel');
      onDelta('lo');
      return answer(request.query_id, 'Hello');
    });
    const queue = new QueryQueue(host);
    const r = request();
    const run = queue.add(r);
    expect(queue.stored).toEqual([withoutToken(r)]);
    expect(host.onChange).toHaveBeenCalledTimes(1);

    await expect(run).resolves.toEqual(answer(r.query_id, 'Hello'));
    expect(lock).toHaveBeenCalledWith(r.query_id, expect.any(Function), expect.any(Function), false);
    expect(host.settledElsewhere).toHaveBeenCalledWith(r.query_id, false);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(host.transport.attemptQuery).toHaveBeenCalledWith(expect.objectContaining({ apiBase: API, agentId: AGENT, scope: host.scope }));
    expect(sent).toEqual([{ ...r, signed_params: 'tok_1' }]);
    expect(host.onAttempt.mock.calls).toEqual([[r.query_id, 0]]);
    expect(host.onStatus.mock.calls).toEqual([[r.query_id, 'looking it up']]);
    expect(host.onDelta.mock.calls).toEqual([
      [r.query_id, 'Hel'],
      [r.query_id, 'lo'],
    ]);
    expect(host.onAnswer.mock.calls).toEqual([[r.query_id, answer(r.query_id, 'Hello')]]);
    expect(host.onFailure).not.toHaveBeenCalled();
    expect(queue.stored).toEqual([]);
  });

  it('retries a retryable failure with the same query id and the token in force at each attempt, after the backoff or a longer retry-after', async () => {
    const { host, sent, state, reply } = fakeHost();
    reply(
      fail(new AicadoError('network', 'connection reset')),
      fail(new AicadoError('unavailable', 'busy', { status: 503, retryAfterMs: 5000 })),
      ok(),
    );
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    await flush();
    expect(sent).toHaveLength(1);
    expect(host.onRetrying.mock.calls).toEqual([[r.query_id]]);
    // Still pending while it waits: a reload would resume it.
    expect(queue.stored).toEqual([withoutToken(r)]);

    state.token = 'tok_2';
    await vi.advanceTimersByTimeAsync(QUERY_RETRY.baseMs - 1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);

    // The server asks for 5 s, more than the 1 s backoff of the second retry.
    state.token = undefined;
    await vi.advanceTimersByTimeAsync(4999);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(3);
    await flush();

    expect(run).toEqual({ settled: true, value: answer(r.query_id) });
    expect(sent.map((s) => s.query_id)).toEqual([r.query_id, r.query_id, r.query_id]);
    expect(sent.map((s) => s.signed_params)).toEqual(['tok_1', 'tok_2', undefined]);
    expect(sent[2]).not.toHaveProperty('signed_params');
    expect(host.onAttempt.mock.calls).toEqual([
      [r.query_id, 0],
      [r.query_id, 1],
      [r.query_id, 2],
    ]);
    expect(host.onFailure).not.toHaveBeenCalled();
    expect(queue.stored).toEqual([]);
  });

  it(`gives up after ${QUERY_RETRY.maxAttempts} attempts; a thrown non-Aicado error counts as a network error`, async () => {
    const { host, reply } = fakeHost();
    const cause = new TypeError('Failed to fetch');
    reply(...Array.from({ length: QUERY_RETRY.maxAttempts }, () => fail(cause)), ok());
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);

    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(QUERY_RETRY.maxAttempts);
    expect(host.onRetrying).toHaveBeenCalledTimes(QUERY_RETRY.maxAttempts - 1);
    expect(run.settled).toBe(true);
    expect(run.error).toMatchObject({ name: 'AicadoError', code: 'network', cause });
    expect(host.onFailure.mock.calls).toEqual([[r.query_id, run.error]]);
    expect(queue.stored).toEqual([]);
  });

  it('a non-retryable failure is reported once and leaves the stored queue; retry() sends it again with the same id and params', async () => {
    const { host, sent, state, reply } = fakeHost();
    const expired = new AicadoError('invalid_signed_params', 'the token expired', { status: 401 });
    reply(fail(expired), ok('second time'));
    const queue = new QueryQueue(host);
    const r = request('q_failing00', { context: { page_url: 'https://shop.test/checkout' } });
    await expect(queue.add(r)).rejects.toBe(expired);
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(host.onRetrying).not.toHaveBeenCalled();
    expect(host.onFailure.mock.calls).toEqual([[r.query_id, expired]]);
    expect(queue.stored).toEqual([]);

    state.token = 'tok_fresh';
    host.onChange.mockClear();
    const again = queue.retry(r.query_id);
    expect(queue.stored).toEqual([withoutToken(r)]);
    expect(host.onChange).toHaveBeenCalledTimes(1);
    await expect(again).resolves.toEqual(answer(r.query_id, 'second time'));
    expect(sent[1]).toEqual({ ...withoutToken(r), signed_params: 'tok_fresh' });
    expect(queue.stored).toEqual([]);
    // Answered: there is nothing left to retry.
    await expect(queue.retry(r.query_id)).rejects.toMatchObject({ code: 'unknown_query' });
  });

  it('a second run of the same query joins the first: one attempt at a time', async () => {
    const { host, lock, reply } = fakeHost();
    const stream = open();
    reply(stream.attempt);
    const r = request();
    const queue = new QueryQueue(host, [r]);
    queue.resume();
    await flush();
    const joined = queue.retry(r.query_id);
    queue.resume();
    await flush();
    expect(lock).toHaveBeenCalledTimes(1);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    stream.resolve(answer(r.query_id));
    await expect(joined).resolves.toEqual(answer(r.query_id));
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
  });

  it('offline: nothing is sent until the browser is online', async () => {
    const { host, state, reply, goOnline } = fakeHost();
    reply(ok());
    state.online = false;
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(host.onAttempt.mock.calls).toEqual([[r.query_id, 0]]);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(run.settled).toBe(false);

    goOnline();
    await flush();
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(run).toEqual({ settled: true, value: answer(r.query_id) });
  });

  it('a refusal of the page fails the query without a request', async () => {
    const { host, state, reply } = fakeHost();
    reply(ok());
    const refused = new AicadoError('origin_not_allowed', 'this origin is not allowed', { status: 403 });
    state.refusal = refused;
    const queue = new QueryQueue(host);
    const r = request();
    await expect(queue.add(r)).rejects.toBe(refused);
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(host.onFailure.mock.calls).toEqual([[r.query_id, refused]]);
    expect(queue.stored).toEqual([]);
  });

  it('stored keeps every field of the pending queries but the token, also while an attempt carries one', async () => {
    const { host, reply } = fakeHost();
    const stream = open();
    reply(stream.attempt);
    const resumed = request('q_resumed00', { signed_params: 'tok_old', context: { page_url: 'https://shop.test/' } });
    const queue = new QueryQueue(host, [resumed]);
    expect(queue.stored).toEqual([withoutToken(resumed)]);
    const added = request('q_added0000', { signed_params: 'tok_page' });
    queue.add(added).catch(() => undefined);
    await flush();
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(queue.stored).toEqual([withoutToken(resumed), withoutToken(added)]);
    expect(JSON.stringify(queue.stored)).not.toContain('tok_');
  });
});

describe('QueryQueue: abandoned queries (clear)', () => {
  it('a query abandoned while offline is never sent, and its run rejects as aborted', async () => {
    const { host, scope, state, reply, goOnline } = fakeHost();
    reply(ok());
    state.online = false;
    const queue = new QueryQueue(host);
    const run = outcome(queue.add(request()));
    await flush();
    // As a reset does: the queue forgets, the scope ends every wait.
    queue.clear();
    scope.cancelAll();
    await flush();
    goOnline();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(run.error).toMatchObject({ code: 'aborted' });
    expect(host.onFailure).not.toHaveBeenCalled();
    expect(queue.stored).toEqual([]);
  });

  it('a query abandoned while it waits for its lock is never sent', async () => {
    const { host, lock, reply } = fakeHost();
    reply(ok());
    const granted = deferred<void>();
    lock.mockImplementationOnce(async (_id, task, abandoned) => {
      await granted.promise;
      return abandoned() ? undefined : task();
    });
    const queue = new QueryQueue(host);
    const run = outcome(queue.add(request()));
    queue.clear();
    granted.resolve();
    await flush();
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(run.error).toMatchObject({ code: 'aborted' });
  });

  it('a query abandoned while it waits to retry is not sent again', async () => {
    const { host, scope, reply } = fakeHost();
    reply(fail(new AicadoError('network', 'connection reset')), ok());
    const queue = new QueryQueue(host);
    const run = outcome(queue.add(request()));
    await flush();
    expect(host.onRetrying).toHaveBeenCalledTimes(1);
    queue.clear();
    scope.cancelAll();
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(run.error).toMatchObject({ code: 'aborted' });
    expect(host.onFailure).not.toHaveBeenCalled();
  });

  it('an attempt cut off by the abandon is not retried and not reported as a failure', async () => {
    const { host, scope, reply } = fakeHost();
    const stream = open();
    reply(stream.attempt, ok());
    const queue = new QueryQueue(host);
    const run = outcome(queue.add(request()));
    await flush();
    queue.clear();
    scope.cancelAll();
    stream.reject(new DOMException('The operation was aborted', 'AbortError'));
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(run.error).toMatchObject({ code: 'aborted' });
    expect(host.onRetrying).not.toHaveBeenCalled();
    expect(host.onFailure).not.toHaveBeenCalled();
  });
});

describe('QueryQueue: stop()', () => {
  it("during an attempt: the query leaves the stored queue at once, the API is told, and the run ends with the stop's answer", async () => {
    const { host, reply } = fakeHost();
    const stream = open();
    reply(stream.attempt, ok());
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    await flush();
    host.transport.postQueryAction.mockResolvedValueOnce(stoppedAnswer(r.query_id, 'Hel'));
    host.onChange.mockClear();

    const stopping = queue.stop(r.query_id, 'He');
    expect(queue.stored).toEqual([]);
    expect(host.onChange).toHaveBeenCalledTimes(1);
    expect(host.transport.postQueryAction).toHaveBeenCalledWith(API, AGENT, r.query_id, 'stop', { conversation_id: r.conversation_id });
    await expect(stopping).resolves.toEqual(stoppedAnswer(r.query_id, 'Hel'));
    expect(queue.stop(r.query_id, 'He')).toBe(stopping);

    // The stream then ends with an error: the query is not retried.
    stream.reject(new AicadoError('network', 'stream closed'));
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(run).toEqual({ settled: true, value: stoppedAnswer(r.query_id, 'Hel') });
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(host.onRetrying).not.toHaveBeenCalled();
    expect(host.onFailure).not.toHaveBeenCalled();
  });

  it('resolves with the text shown, as stopped, when the API cannot be told or has no answer', async () => {
    const { host } = fakeHost();
    const queue = new QueryQueue(host, [request('q_first0000'), request('q_second000')]);
    host.transport.postQueryAction.mockRejectedValueOnce(new AicadoError('network', 'offline'));
    await expect(queue.stop('q_first0000', 'shown one')).resolves.toEqual(stoppedAnswer('q_first0000', 'shown one'));
    host.transport.postQueryAction.mockResolvedValueOnce(undefined);
    await expect(queue.stop('q_second000', 'shown two')).resolves.toEqual(stoppedAnswer('q_second000', 'shown two'));
    expect(queue.stored).toEqual([]);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
  });

  it("while it waits to retry: never sent again, and the run ends with the stop's answer", async () => {
    const { host, reply } = fakeHost();
    reply(fail(new AicadoError('network', 'connection reset')), ok());
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    await flush();
    expect(host.onRetrying).toHaveBeenCalledTimes(1);
    await expect(queue.stop(r.query_id, '')).resolves.toEqual(stoppedAnswer(r.query_id, ''));
    await vi.advanceTimersByTimeAsync(10 * QUERY_RETRY.maxMs);
    expect(host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(run).toEqual({ settled: true, value: stoppedAnswer(r.query_id, '') });
    expect(host.onFailure).not.toHaveBeenCalled();
  });

  it("before its lock is granted: never sent, and the run ends with the stop's answer", async () => {
    const { host, reply } = fakeHost();
    reply(ok());
    const queue = new QueryQueue(host);
    const r = request();
    const run = outcome(queue.add(r));
    // `send()` then `stop()` at once: the lock is granted a moment later.
    const stopping = queue.stop(r.query_id, '');
    await flush();
    await expect(stopping).resolves.toEqual(stoppedAnswer(r.query_id, ''));
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    // The documented contract: "The query's run, if any, resolves with the same."
    expect(run).toEqual({ settled: true, value: stoppedAnswer(r.query_id, '') });
  });

  it('of a query that is not pending is undefined', () => {
    const { host } = fakeHost();
    expect(new QueryQueue(host).stop('q_unknown00', '')).toBeUndefined();
    expect(host.transport.postQueryAction).not.toHaveBeenCalled();
  });
});

describe('QueryQueue: queries of other tabs', () => {
  it(`adopt() runs another tab's pending queries as resumed, only after ${TAKEOVER_DELAY_MS} ms`, async () => {
    const { host, lock, sent, reply } = fakeHost();
    reply(ok(), ok());
    const queue = new QueryQueue(host);
    const [one, two] = [request('q_other0001'), request('q_other0002')];
    queue.adopt([one, two]);
    expect(queue.stored).toEqual([one, two]);
    await vi.advanceTimersByTimeAsync(TAKEOVER_DELAY_MS - 1);
    expect(lock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await flush();
    expect(lock.mock.calls.map(([id, , , resumed]) => [id, resumed])).toEqual([
      [one.query_id, true],
      [two.query_id, true],
    ]);
    expect(host.settledElsewhere.mock.calls).toEqual([
      [one.query_id, true],
      [two.query_id, true],
    ]);
    expect(sent.map((s) => s.query_id)).toEqual([one.query_id, two.query_id]);
    expect(queue.stored).toEqual([]);
  });

  it('adopt() drops the queries no longer pending elsewhere (never sent), keeps one running here, and runs none twice', async () => {
    const { host, lock, sent, reply } = fakeHost();
    const stream = open();
    reply(stream.attempt, ok());
    const queue = new QueryQueue(host);
    const mine = request('q_mine00000');
    queue.add(mine).catch(() => undefined);
    await flush();
    const [gone, kept] = [request('q_gone00000'), request('q_kept00000')];
    queue.adopt([gone, kept]);
    queue.adopt([kept]);
    queue.adopt([kept, mine]);
    // (The queue set the token on `mine` in place when it sent it; what it stores has none.)
    expect(queue.stored).toEqual([withoutToken(mine), kept]);
    await vi.advanceTimersByTimeAsync(TAKEOVER_DELAY_MS);
    await flush();
    expect(sent.map((s) => s.query_id)).toEqual([mine.query_id, kept.query_id]);
    expect(lock.mock.calls.map(([id]) => id)).toEqual([mine.query_id, gone.query_id, kept.query_id]);
    // Another tab's copy without this tab's running query does not drop it.
    queue.adopt([]);
    expect(queue.stored).toEqual([withoutToken(mine)]);
  });

  it('a query settled in another tab meanwhile ends with that answer, without a request', async () => {
    const { host, reply } = fakeHost();
    reply(ok());
    const r = request();
    const elsewhere = answer(r.query_id, 'answered in the other tab');
    host.settledElsewhere.mockReturnValue(elsewhere);
    const queue = new QueryQueue(host, [r]);
    const run = queue.retry(r.query_id);
    await expect(run).resolves.toEqual(elsewhere);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(host.onAttempt).not.toHaveBeenCalled();
    expect(queue.stored).toEqual([]);
  });

  it("a query over in another tab ends with that tab's error, without a request or a failure here", async () => {
    const { host, reply } = fakeHost();
    reply(ok());
    const over = new AicadoError('aborted', 'The query ended in another tab');
    host.settledElsewhere.mockReturnValue(over);
    const r = request();
    const queue = new QueryQueue(host);
    queue.adopt([r]);
    const run = outcome(queue.retry(r.query_id));
    await vi.advanceTimersByTimeAsync(TAKEOVER_DELAY_MS);
    await flush();
    expect(run.error).toBe(over);
    expect(host.transport.attemptQuery).not.toHaveBeenCalled();
    expect(host.onFailure).not.toHaveBeenCalled();
    expect(queue.stored).toEqual([]);
  });

  it('two tabs resuming the same stored query: one sends it, the other ends with its answer', async () => {
    // One lock per query across the tabs, and what each tab has heard of the others' outcomes.
    const held = new Map<string, Promise<unknown>>();
    const outcomes = new Map<string, QueryAnswer>();
    const tab = () => {
      const fake = fakeHost();
      fake.lock.mockImplementation(async (id, task, abandoned) => {
        const before = held.get(id) ?? Promise.resolve();
        const mine = before.then(async () => (abandoned() ? undefined : task()));
        held.set(
          id,
          mine.catch(() => undefined),
        );
        return mine;
      });
      fake.host.onAnswer.mockImplementation((id, a) => void outcomes.set(id, a));
      fake.host.settledElsewhere.mockImplementation((id) => outcomes.get(id));
      return fake;
    };
    const [a, b] = [tab(), tab()];
    const stream = open();
    a.reply(stream.attempt);
    b.reply(ok('never'));
    const r = request();
    const [queueA, queueB] = [new QueryQueue(a.host, [r]), new QueryQueue(b.host, [r])];
    queueA.resume();
    queueB.resume();
    const [runA, runB] = [queueA.retry(r.query_id), queueB.retry(r.query_id)];
    await flush();
    expect(a.host.transport.attemptQuery).toHaveBeenCalledTimes(1);
    expect(b.host.transport.attemptQuery).not.toHaveBeenCalled();

    stream.resolve(answer(r.query_id, 'from tab A'));
    await expect(runA).resolves.toEqual(answer(r.query_id, 'from tab A'));
    await expect(runB).resolves.toEqual(answer(r.query_id, 'from tab A'));
    expect(b.host.transport.attemptQuery).not.toHaveBeenCalled();
    expect([queueA.stored, queueB.stored]).toEqual([[], []]);
  });
});
