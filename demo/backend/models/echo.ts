import type { ChatModel, ModelRequest } from './model.js';

/** Words per delta: small enough that every answer streams in several pieces. */
const WORDS_PER_DELTA = 2;

/** What the echo model says it is doing while it waits for its first token. */
export const ECHO_STATUS_TEXT = 'Thinking…';

export interface EchoPacing {
  /** Wait before the first delta, as a model with tool calls or long reasoning would; a status event comes first. */
  firstTokenDelayMs: number;
  /** Wait between deltas. */
  deltaDelayMs: number;
}

/** The deterministic default model: repeats the input verbatim, lists the params with their JSON values and cites the input's URLs. */
export function createEchoModel({ firstTokenDelayMs, deltaDelayMs }: EchoPacing): ChatModel {
  return {
    name: 'echo',
    async generate(request, out, signal) {
      const output = echoAnswer(request);
      const chunks = splitIntoChunks(output, WORDS_PER_DELTA);
      if (firstTokenDelayMs > 0) {
        out.status(ECHO_STATUS_TEXT);
        await sleep(firstTokenDelayMs, signal);
      }
      for (const [index, chunk] of chunks.entries()) {
        if (index > 0 && deltaDelayMs > 0) await sleep(deltaDelayMs, signal);
        signal.throwIfAborted();
        out.delta(chunk);
      }
      return { output, sources: echoSources(request.input) };
    },
  };
}

/** The full answer for a request, e.g. `You said: "hi"` then `- user_id: "u_42"` per param. */
export function echoAnswer(request: ModelRequest): string {
  const entries = Object.entries(request.params);
  const lines = [`You said: "${request.input}"`];
  if (entries.length === 0) lines.push('No params received.');
  else lines.push('Params received:', ...entries.map(([key, value]) => `- ${key}: ${JSON.stringify(value)}`));
  const verified = Object.entries(request.verifiedParams ?? {});
  if (verified.length) lines.push('Verified params:', ...verified.map(([key, value]) => `- ${key}: ${JSON.stringify(value)}`));
  return lines.join('\n');
}

/** `[title](url)` and bare URLs in the input, cited as sources: each markdown link, then each other URL. */
export function echoSources(input: string): { title: string; url: string }[] {
  const links = [...input.matchAll(/\[([^\]]*)\]\(([^)\s]*)\)/g)].map(([, title = '', url = '']) => ({ title, url }));
  const rest = input.replace(/\[[^\]]*\]\([^)\s]*\)/g, ' ');
  const bare = [...rest.matchAll(/https?:\/\/[^\s<>"'()\[\]]+/g)]
    .map(([match]) => match.replace(/[.,;:!?]+$/, ''))
    .map((url) => ({ title: url, url }));
  return [...links, ...bare];
}

/** Splits text into pieces of a few words whose concatenation is exactly the text. */
export function splitIntoChunks(text: string, wordsPerChunk: number): string[] {
  const tokens = text.match(/\s*\S+\s*/g) ?? [text];
  const chunks: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerChunk) chunks.push(tokens.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
