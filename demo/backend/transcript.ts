import { CONVERSATION_LIMITS, RATINGS } from '../../src/contract/protocol.js';
import type { TranscriptTurn } from '../../src/contract/webhook-events.js';
import type { StoredTurn, StoredTurns } from './store-conversations.js';

/**
 * Fewer bytes than the JSON of any turn (`{"query_id":"q_xxxxxxxx","input":"a","output":"","status":"stopped",
 * "created_at":"…"}` is 108): reading this many turns from each end of a conversation is more than any
 * bounded transcript holds, so longer conversations are never read whole.
 */
const MIN_TURN_BYTES = 100;
export const TURNS_READ_PER_END = Math.ceil(CONVERSATION_LIMITS.maxTranscriptEventBytes / MIN_TURN_BYTES);

/** A stored query as a turn of the transcript; a rating taken back is no rating. */
export function turnOf(stored: StoredTurn): TranscriptTurn {
  return {
    query_id: stored.query_id,
    input: stored.input,
    output: stored.output,
    status: stored.status,
    created_at: new Date(stored.created_at).toISOString(),
    ...((RATINGS as readonly unknown[]).includes(stored.rating) ? { rating: stored.rating } : {}),
  };
}

interface TranscriptEvent {
  data: { transcript: TranscriptTurn[]; truncated: boolean };
}

/**
 * The event with the conversation's transcript, its whole JSON body at most `maxBytes` (UTF-8). When the
 * turns do not all fit (or were not all read), turns are left out from the middle: the first and the last
 * ones are kept, taken alternately from each end while they fit, and `truncated` is true.
 */
export function withTranscript<E extends TranscriptEvent>(
  event: E,
  turns: StoredTurns,
  maxBytes: number = CONVERSATION_LIMITS.maxTranscriptEventBytes,
): E {
  const all = [...turns.first, ...turns.last].map(turnOf);
  const build = (transcript: TranscriptTurn[], truncated: boolean): E => ({ ...event, data: { ...event.data, transcript, truncated } });
  if (turns.last.length === 0) {
    const whole = build(all, false);
    if (bytesOf(whole) <= maxBytes) return whole;
  }
  // The empty transcript's body, then each kept turn adds its JSON and a comma (none before the first).
  let budget = maxBytes - bytesOf(build([], true));
  const front: TranscriptTurn[] = [];
  const back: TranscriptTurn[] = [];
  let next = 0;
  let last = all.length - 1;
  // `truncated: true` is a byte shorter than `false`: all read turns could fit now, but one must be left out.
  const keepAtMost = turns.last.length ? all.length : all.length - 1;
  for (let fromFront = true; front.length + back.length < keepAtMost; fromFront = !fromFront) {
    const turn = all[fromFront ? next : last] as TranscriptTurn;
    const cost = bytesOf(turn) + (front.length + back.length > 0 ? 1 : 0);
    if (cost > budget) break;
    budget -= cost;
    if (fromFront) front.push(all[next++] as TranscriptTurn);
    else back.push(all[last--] as TranscriptTurn);
  }
  return build([...front, ...back.reverse()], true);
}

/** Bytes of a value's JSON, as the webhook body carries it. */
export const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
