import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { readServerSentEvents, type ServerSentEvent } from '../../src/on-intent/transport/sse.js';

const encoder = new TextEncoder();

/** A response body that delivers `chunks` one read at a time, then closes (or fails with `error`). */
function body(chunks: (string | Uint8Array)[], error?: Error): ReadableStream<Uint8Array> {
  const queue = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = queue.shift();
        if (next) controller.enqueue(next);
        else if (error) controller.error(error);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

async function read(stream: ReadableStream<Uint8Array>, onBytes?: () => void): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(stream, onBytes)) events.push(event);
  return events;
}

/** `bytes` cut at each of `cuts` (positions, any order, duplicates allowed). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts)].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => bytes.slice(start, at[i] ?? bytes.length)).filter((chunk) => chunk.length > 0);
}

// What the reference backend writes: named events, one JSON data line each, and heartbeats between them.
const answer = [
  ': connected\n\n',
  'event: status\ndata: {"text":"Looking it up…"}\n\n',
  ': keep-alive\n\n',
  'event: delta\ndata: {"text":"Grüße, "}\n\n',
  'event: delta\ndata: {"text":"日本 👋"}\n\n',
  'event: done\ndata: {"query_id":"q_1","output":"Grüße, 日本 👋"}\n\n',
].join('');
const answerEvents: ServerSentEvent[] = [
  { event: 'status', data: '{"text":"Looking it up…"}' },
  { event: 'delta', data: '{"text":"Grüße, "}' },
  { event: 'delta', data: '{"text":"日本 👋"}' },
  { event: 'done', data: '{"query_id":"q_1","output":"Grüße, 日本 👋"}' },
];

describe('chunk boundaries', () => {
  it('reads the same events whatever the chunks, a boundary inside a line or a multi-byte character included', async () => {
    const bytes = encoder.encode(answer);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        expect(await read(body(split(bytes, cuts)))).toEqual(answerEvents);
      }),
      { numRuns: 200 },
    );
  });

  it('reads a stream delivered one byte at a time', async () => {
    const bytes = encoder.encode(answer);
    expect(await read(body([...bytes].map((byte) => Uint8Array.of(byte))))).toEqual(answerEvents);
  });

  it('reads a whole answer in one chunk', async () => {
    expect(await read(body([answer]))).toEqual(answerEvents);
  });
});

describe('line ends', () => {
  it('accepts CRLF, CR and LF, mixed in one stream', async () => {
    const stream = 'event: delta\r\ndata: {"text":"a"}\r\n\r\nevent: delta\rdata: {"text":"b"}\r\revent: done\ndata: {}\r\n\n';
    expect(await read(body([stream]))).toEqual([
      { event: 'delta', data: '{"text":"a"}' },
      { event: 'delta', data: '{"text":"b"}' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('a CRLF split between two chunks ends one line, not two', async () => {
    // The CR ends one chunk and the LF starts the next: an empty line there would end the event early,
    // dispatching it without its name and its second data line.
    expect(await read(body(['event: delta\r', '\ndata: a\r', '\ndata: b\r\n\r\n']))).toEqual([{ event: 'delta', data: 'a\nb' }]);
  });

  it('a CRLF split between chunks, then an empty line in a chunk of its own, still ends the event', async () => {
    expect(await read(body(['data: a\r', '\n', '\ndata: b\n\n']))).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
  });

  it('reads mixed line ends delivered one byte at a time as it reads them in one chunk', async () => {
    const stream = 'event: delta\r\ndata: a\r\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\r\n';
    const whole = await read(body([stream]));
    expect(whole).toEqual([
      { event: 'delta', data: 'a' },
      { event: 'message', data: 'b' },
      { event: 'message', data: 'c' },
      { event: 'message', data: 'd' },
    ]);
    expect(await read(body([...encoder.encode(stream)].map((byte) => Uint8Array.of(byte))))).toEqual(whole);
  });

  it('a CR at the end of a chunk that is followed by another line is a line end of its own', async () => {
    expect(await read(body(['event: delta\r', 'data: a\r\r']))).toEqual([{ event: 'delta', data: 'a' }]);
  });
});

describe('fields', () => {
  it('joins the data lines of one event with newlines', async () => {
    expect(await read(body(['data: first\ndata: second\ndata:\ndata: fourth\n\n']))).toEqual([
      { event: 'message', data: 'first\nsecond\n\nfourth' },
    ]);
  });

  it('names an event "message" unless it has an event field, and the name does not carry over to the next event', async () => {
    expect(await read(body(['event: delta\ndata: 1\n\ndata: 2\n\n']))).toEqual([
      { event: 'delta', data: '1' },
      { event: 'message', data: '2' },
    ]);
  });

  it('strips one space after the colon, no more, and none when there is none', async () => {
    expect(await read(body(['data:tight\ndata:  two spaces\ndata: \tTab\n\n']))).toEqual([
      { event: 'message', data: 'tight\n two spaces\n\tTab' },
    ]);
  });

  it('keeps colons after the first in the value', async () => {
    expect(await read(body(['data: {"url":"https://example.com/a:b"}\n\n']))).toEqual([
      { event: 'message', data: '{"url":"https://example.com/a:b"}' },
    ]);
  });

  it('a data line without a colon is an empty data line', async () => {
    expect(await read(body(['data\ndata\n\n']))).toEqual([{ event: 'message', data: '\n' }]);
  });

  it('ignores fields it does not use (id, retry, unknown) and field names in another case', async () => {
    expect(await read(body(['id: 7\nretry: 1000\nfoo: bar\nData: no\nEVENT: no\nevent: delta\ndata: yes\n\n']))).toEqual([
      { event: 'delta', data: 'yes' },
    ]);
  });

  it('dispatches no event that has no data line, and forgets its name', async () => {
    expect(await read(body(['event: delta\n\n\n\ndata: x\n\n']))).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('does not take a byte-order mark at the start for part of the first field name', async () => {
    expect(await read(body([Uint8Array.of(0xef, 0xbb, 0xbf), 'event: delta\ndata: x\n\n']))).toEqual([{ event: 'delta', data: 'x' }]);
  });
});

describe('comments and heartbeats', () => {
  it('skips comment lines, inside an event too', async () => {
    expect(await read(body([':hi\nevent: delta\n: keep-alive\ndata: x\n:\n\n: bye\n\n']))).toEqual([{ event: 'delta', data: 'x' }]);
  });

  it('reports every chunk to onBytes, heartbeats included, as it arrives', async () => {
    const onBytes = vi.fn();
    const seen: number[] = [];
    for await (const _ of readServerSentEvents(body([': keep-alive\n\n', ': keep-alive\n\n', 'data: x\n\n']), onBytes)) {
      seen.push(onBytes.mock.calls.length);
    }
    // The event is yielded after the third chunk was reported; the close of the stream is not a chunk.
    expect(seen).toEqual([3]);
    expect(onBytes).toHaveBeenCalledTimes(3);
  });
});

describe('the end of the stream', () => {
  it('yields nothing for an empty stream', async () => {
    expect(await read(body([]))).toEqual([]);
  });

  it('delivers a last event whose blank line never came', async () => {
    expect(await read(body(['event: delta\ndata: a\n\nevent: done\ndata: {}\n']))).toEqual([
      { event: 'delta', data: 'a' },
      { event: 'done', data: '{}' },
    ]);
  });

  it('a stream cut in the middle of a line does not deliver the cut line as data', async () => {
    // A connection closed mid-write (a proxy's timeout) must read as an answer that ended early, which
    // the caller retries, not as a malformed done event, which it does not.
    expect(await read(body(['event: delta\ndata: {"text":"a"}\n\nevent: done\ndata: {"query_id":"q_1","out']))).toEqual([
      { event: 'delta', data: '{"text":"a"}' },
    ]);
  });

  it('passes a read error on to the consumer, after the events before it, and releases the stream', async () => {
    const stream = body(['data: 1\n\ndata: 2'], new TypeError('network error'));
    const events: ServerSentEvent[] = [];
    await expect(
      (async () => {
        for await (const event of readServerSentEvents(stream)) events.push(event);
      })(),
    ).rejects.toThrow('network error');
    expect(events).toEqual([{ event: 'message', data: '1' }]);
    expect(stream.locked).toBe(false);
  });

  it('a consumer that stops early releases the stream and reads no further', async () => {
    const pulls = vi.fn();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls();
          controller.enqueue(encoder.encode(`data: ${sent++}\n\n`));
        },
      },
      { highWaterMark: 0 },
    );
    for await (const event of readServerSentEvents(stream)) {
      expect(event.data).toBe('0');
      break;
    }
    expect(stream.locked).toBe(false);
    expect(pulls).toHaveBeenCalledOnce();
  });
});
