import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseFlags, resolveConfig } from '../../demo/backend/config/index.js';
import { STATUS_TEXT_MAX_LENGTH } from '../../src/contract/protocol.js';
import { postQuery, queryBody, readTimedSse, sleep, COMPLETIONS, startReceiver, startTestBackend } from './helpers.js';

/** The SDK's idle watchdog: a stream silent this long is given up and retried. */
const CLIENT_IDLE_WATCHDOG_MS = 30_000;
/** The model's silence before its first token in the streaming test. */
const FIRST_TOKEN_MS = 1500;

describe('a slow model', () => {
  it('has pacing flags, with --echo-delay-ms kept as the old name of --delta-delay-ms', () => {
    const flags = parseFlags(['--first-token-delay-ms', '45000', '--delta-delay-ms', '7', '--heartbeat-ms', '250']);
    expect(resolveConfig(flags, {})).toMatchObject({ firstTokenDelayMs: 45_000, deltaDelayMs: 7, heartbeatMs: 250 });
    expect(resolveConfig(parseFlags(['--echo-delay-ms', '3']), {})).toMatchObject({ deltaDelayMs: 3 });
    expect(() => resolveConfig(parseFlags(['--heartbeat-ms', '0']), {})).toThrow(/--heartbeat-ms got "0"/);
    // With timer drift and a busy event loop, a heartbeat at most a third of the watchdog apart always lands in time.
    expect(DEFAULTS.heartbeatMs).toBeLessThanOrEqual(CLIENT_IDLE_WATCHDOG_MS / 3);
    expect(DEFAULTS.firstTokenDelayMs).toBe(0);
  });

  it('sends a status event and heartbeats while the first token is slow, to the first request and a waiting duplicate', async () => {
    const receiver = await startReceiver(COMPLETIONS);
    const backend = await startTestBackend({
      webhookUrl: receiver.url,
      firstTokenDelayMs: FIRST_TOKEN_MS,
      deltaDelayMs: 1,
      heartbeatMs: 50,
    });
    const body = queryBody();
    const started = Date.now();
    const first = postQuery(backend, body);
    await sleep(150); // the duplicate arrives while the model is still thinking
    const [a, b] = await Promise.all([first, postQuery(backend, body)]);
    const [eventsA, eventsB] = await Promise.all([readTimedSse(a), readTimedSse(b)]);

    const firstDelta = eventsA.find((event) => event.event === 'delta');
    expect(firstDelta!.at - started).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 50);
    const beforeFirstDelta = eventsA.slice(0, eventsA.indexOf(firstDelta!));
    expect(beforeFirstDelta[0]).toMatchObject({ event: 'status', data: { text: expect.any(String) } });
    const status = beforeFirstDelta[0]!.data as { text: string };
    expect(status.text.length).toBeGreaterThan(0);
    expect(status.text.length).toBeLessThanOrEqual(STATUS_TEXT_MAX_LENGTH);
    expect(beforeFirstDelta.filter((event) => event.event === 'heartbeat').length).toBeGreaterThanOrEqual(4);
    expect(eventsA.filter((event) => event.event === 'status')).toHaveLength(1);

    // The duplicate waited for the running query without a byte of the answer, but never in silence.
    const answerB = eventsB.findIndex((event) => event.event === 'delta');
    expect(eventsB.slice(0, answerB).filter((event) => event.event === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    expect(eventsB.at(-1)).toEqual({ ...eventsA.at(-1), at: expect.any(Number) });
    // Without heartbeats both would be silent for the whole first-token delay; with them, for a small
    // part of it, however busy the machine (timers can lag by a few hundred ms, so the bound is half).
    for (const events of [eventsA, eventsB]) expect(longestSilence(events)).toBeLessThan(FIRST_TOKEN_MS / 2);
    await receiver.waitForCount(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
  });

  it('does not send status events when the first token is not delayed', async () => {
    const backend = await startTestBackend({ deltaDelayMs: 0 });
    const events = await readTimedSse(await postQuery(backend, queryBody()));
    expect(events.map((event) => event.event).filter((name) => name !== 'delta')).toEqual(['done']);
  });
});

/** Longest gap between two consecutive things the client received (events or heartbeats), once the stream is open. */
function longestSilence(events: readonly { at: number }[]): number {
  let longest = 0;
  for (let i = 1; i < events.length; i++) longest = Math.max(longest, events[i]!.at - events[i - 1]!.at);
  return longest;
}
