/**
 * Reading request bodies within the request budget. Bytes are held in the request's reservation before
 * they are read: a declared Content-Length at once (so a body over the budget is refused before its
 * first byte is read), a body without one chunk by chunk.
 *
 * A body whose reading fails (the client closed the connection, or the server cut a stalled one) is
 * REQUEST_ABORTED, logged as one line: a client going away is not a fault of the server.
 */
import { TrustgateError } from '../errors';
import { KeptBytes } from './kept-bytes';
import type { BufferReservation } from './request-budget';

/** Bodies up to this declared length are read in one call (see `readWholeBody`). */
const SMALL_BODY_BYTES = 1024 * 1024;

/** The declared Content-Length, or null when there is none (or it is not a plain number). */
export function declaredLength(request: Request): number | null {
  const value = request.headers.get('content-length');
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/** Logs the abort as one line and returns the error the request is answered with (if it still can be). */
export function bodyAborted(request: Request, cause: unknown, received: number | null): TrustgateError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const after = received === null ? '' : ` after ${received} bytes`;
  console.warn(
    `request aborted: ${request.method} ${new URL(request.url).pathname}: the body stopped${after} (${reason})`,
  );
  return new TrustgateError('REQUEST_ABORTED', 'the request body ended before it was complete');
}

/**
 * The request's body as a stream whose read errors are REQUEST_ABORTED (logged once), or null when there
 * is none. Pulls from the request only when read: backpressure reaches the client.
 */
export function guardedBody(request: Request): ReadableStream<Uint8Array> | null {
  const source = request.body;
  if (!source) return null;
  const reader = source.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          controller.error(bodyAborted(request, error, received));
          return;
        }
        if (next.done) {
          controller.close();
          return;
        }
        received += next.value.byteLength;
        controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason).catch(() => undefined),
    },
    { highWaterMark: 0 },
  );
}

const tooLarge = (max: number) =>
  new TrustgateError('PAYLOAD_TOO_LARGE', `the request body is over ${max} bytes`);

/** A body read whole. `discard()` gives its memory back at once; call it only when done with `bytes`. */
export interface WholeBody {
  bytes: Uint8Array;
  discard(): void;
}

const keepForGc = () => undefined;
const inMemory = (bytes: Uint8Array): WholeBody => ({ bytes, discard: keepForGc });

/**
 * The whole body, at most `max` bytes, held in `reservation` as `weight` times its length before it is
 * read (a JSON body also lives on as its text and its decoded fields: weight 2).
 */
export async function readWholeBody(
  request: Request,
  max: number,
  reservation: BufferReservation,
  weight = 1,
): Promise<WholeBody> {
  const declared = declaredLength(request);
  if (declared !== null) {
    if (declared > max) throw tooLarge(max);
    reservation.hold(declared * weight);
    if (declared <= SMALL_BODY_BYTES) {
      // One call: on Node, hono's adapter reads a small body straight from the socket, without a stream.
      try {
        return inMemory(new Uint8Array(await request.arrayBuffer()));
      } catch (error) {
        throw bodyAborted(request, error, null);
      }
    }
  }
  const body = guardedBody(request);
  if (!body) return inMemory(new Uint8Array(0));
  const reader = body.getReader();
  // A declared length is read into one buffer of that size, which can be handed back without a GC.
  const whole = declared === null ? null : new KeptBytes(declared);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      const chunk = next.value;
      if (total + chunk.byteLength > (declared ?? max)) {
        throw declared === null
          ? tooLarge(max)
          : new TrustgateError('BAD_REQUEST', 'the body is longer than its Content-Length');
      }
      if (whole) whole.append(chunk);
      else {
        reservation.hold(chunk.byteLength * weight);
        chunks.push(chunk);
      }
      total += chunk.byteLength;
    }
  } catch (error) {
    whole?.discard();
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  if (whole) {
    if (total < whole.capacity) {
      whole.discard();
      throw bodyAborted(request, 'shorter than its Content-Length', total);
    }
    return { bytes: whole.bytes(), discard: () => whole.discard() };
  }
  if (chunks.length === 1) return inMemory(chunks[0] as Uint8Array);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return inMemory(out);
}
