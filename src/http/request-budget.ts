/**
 * The global budget of POST /verify, shared by every request the app serves: bytes of request bodies held
 * in memory at once, and verifications running at once (with a bounded queue in front of them). Over the
 * budget a request is refused with SERVER_BUSY (503 and Retry-After) before it reads or computes more:
 * one caller cannot take the memory or the CPU from everyone else, and nothing waits without bound.
 *
 * Bytes are held before they are read (a declared Content-Length at once, anything else chunk by chunk)
 * and given back when the request ends, whichever way it ends. Pure: no timers, no runtime APIs.
 */
import { TrustgateError } from '../errors';

export interface BudgetLimits {
  /** Request bytes held in memory across all requests (bodies read whole, signatures, kept artifacts). */
  maxBufferedBytes: number;
  /** Verifications computing at once. */
  maxConcurrentVerifications: number;
  /** Verifications waiting for one of those slots; one more is refused. */
  maxQueuedVerifications: number;
}

/** What a refused caller is told to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** The bytes one request holds; given back together by `release`. */
export interface BufferReservation {
  /** Holds `bytes` more, or throws SERVER_BUSY (holding nothing more) when the budget cannot. */
  hold(bytes: number): void;
  /** Gives back `bytes` of what this request holds (a copy it dropped early). */
  giveBack(bytes: number): void;
  /** Runs `free` when the request is released (memory to hand back at once, not at the next GC). */
  onRelease(free: () => void): void;
  /** Gives back everything this request holds, and runs what `onRelease` registered; later calls do nothing. */
  release(): void;
  readonly held: number;
}

export interface RequestBudget {
  /** A reservation holding nothing yet: one per request, released when the request ends. */
  reservation(): BufferReservation;
  /**
   * A verification slot: resolves to its release once one is free (first come, first served), or throws
   * SERVER_BUSY when the queue is full, or REQUEST_ABORTED when `signal` aborts while it waits.
   */
  verificationSlot(signal?: AbortSignal): Promise<() => void>;
  /** What is held and waiting now. */
  usage(): { bufferedBytes: number; verifications: number; queuedVerifications: number };
}

const busy = (detail: string) =>
  new TrustgateError('SERVER_BUSY', detail, { retryAfterSeconds: RETRY_AFTER_SECONDS });

export function createRequestBudget(limits: BudgetLimits): RequestBudget {
  let buffered = 0;
  let running = 0;
  const queue: Array<{ grant: () => void }> = [];

  const releaseSlot = () => {
    const next = queue.shift();
    if (next) next.grant();
    else running--;
  };
  const slotRelease = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseSlot();
    };
  };

  return {
    reservation() {
      let held = 0;
      let open = true;
      const frees: Array<() => void> = [];
      return {
        get held() {
          return held;
        },
        hold(bytes) {
          if (!open) throw new Error('a released reservation cannot hold bytes');
          if (buffered + bytes > limits.maxBufferedBytes) {
            throw busy(
              `the server holds its limit of ${limits.maxBufferedBytes} bytes of request bodies in memory; retry in ${RETRY_AFTER_SECONDS} s`,
            );
          }
          buffered += bytes;
          held += bytes;
        },
        giveBack(bytes) {
          const given = Math.min(bytes, held);
          buffered -= given;
          held -= given;
        },
        onRelease(free) {
          frees.push(free);
        },
        release() {
          if (!open) return;
          open = false;
          buffered -= held;
          held = 0;
          for (const free of frees.splice(0)) free();
        },
      };
    },

    verificationSlot(signal) {
      if (signal?.aborted)
        return Promise.reject(new TrustgateError('REQUEST_ABORTED', 'the client went away'));
      if (running < limits.maxConcurrentVerifications) {
        running++;
        return Promise.resolve(slotRelease());
      }
      if (queue.length >= limits.maxQueuedVerifications) {
        return Promise.reject(
          busy(
            `${running} verifications are running and ${queue.length} waiting, the server's limit; retry in ${RETRY_AFTER_SECONDS} s`,
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(slotRelease());
          },
        };
        const onAbort = () => {
          const at = queue.indexOf(waiter);
          if (at !== -1) queue.splice(at, 1);
          reject(new TrustgateError('REQUEST_ABORTED', 'the client went away while waiting'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
      });
    },

    usage: () => ({ bufferedBytes: buffered, verifications: running, queuedVerifications: queue.length }),
  };
}
