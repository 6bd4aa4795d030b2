export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * Parses a Server-Sent Events stream (the subset the protocol uses). `onBytes` hears every chunk, comments
 * included: to a client waiting on a slow model, a heartbeat is progress.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>, onBytes?: () => void): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  // A chunk that ended with CR: a LF that starts the next one belongs to the same line end.
  let afterCR = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        // An event whose lines all came is delivered; a line cut by the end is not: a cut answer reads as cut, not as malformed.
        if (data.length) yield { event, data: data.join('\n') };
        return;
      }
      onBytes?.();
      let text = decoder.decode(value, { stream: true });
      const joined = afterCR && text.startsWith('\n');
      if (joined) text = text.slice(1);
      // A chunk that decoded to nothing (half a character) leaves it as it was.
      if (text || joined) afterCR = text.endsWith('\r');
      buffer += text;
      const lines = buffer.split(/\r\n|\r|\n/);
      // The last piece may be an incomplete line; keep it for the next chunk.
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (data.length) yield { event, data: data.join('\n') };
          event = 'message';
          data = [];
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon === -1 ? line : line.slice(0, colon);
          const raw = colon === -1 ? '' : line.slice(colon + 1);
          const text = raw.startsWith(' ') ? raw.slice(1) : raw;
          if (field === 'event') event = text;
          else if (field === 'data') data.push(text);
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
}
