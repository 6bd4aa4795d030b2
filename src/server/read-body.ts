/** Why a request body was not read: over the cap (413), or the stream failed (the sender went away). */
export class BodyReadError extends Error {
  override readonly name = 'BodyReadError' as const;

  constructor(
    readonly reason: 'too_large' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a request body of at most `maxBytes`: refused from `content-length` alone when that is larger,
 * otherwise read chunk by chunk and cancelled as soon as it passes the cap, so memory stays bounded.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new BodyReadError('too_large', `The webhook body exceeds ${maxBytes} bytes (maxBodyBytes)`);
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await discard(request);
    throw tooLarge();
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BodyReadError) throw error;
    throw new BodyReadError('failed', 'The webhook body was not received completely');
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** Lets go of a body that will not be read, without waiting for it. */
export async function discard(request: Request): Promise<void> {
  if (request.body && !request.bodyUsed && !request.body.locked) await request.body.cancel().catch(() => undefined);
}
