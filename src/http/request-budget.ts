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

/** A verification slot; `release` gives it to the next waiter (once, however often it is called). */
export interface VerificationSlot {
  release(): void;
}

export interface RequestBudget {
  /** A reservation holding nothing yet: one per request, released when the request ends. */
  reservation(): BufferReservation;
  /** A verification slot if one is free now, else null (then wait with `verificationSlot`). */
  freeVerificationSlot(): VerificationSlot | null;
  /**
   * A verification slot: resolves once one is free (first come, first served), or throws SERVER_BUSY
   * when the queue is full, or REQUEST_ABORTED when the request's signal aborts while it waits. The
   * signal is asked for only once a wait has lasted 200 ms (on Node, making one costs more than the slot).
   */
  verificationSlot(signal?: () => AbortSignal): Promise<VerificationSlot>;
  /** What is held and waiting now. */
  usage(): { bufferedBytes: number; verifications: number; queuedVerifications: number };
}

/** How long a request waits for a verification slot before its client is watched for going away. */
const SIGNAL_AFTER_MS = 200;

const busy = (detail: string) =>
  new TrustgateError('SERVER_BUSY', detail, { retryAfterSeconds: RETRY_AFTER_SECONDS });

// Classes rather than closures: one object per request on the hot path of every /verify.

class Reservation implements BufferReservation {
  held = 0;
  private open = true;
  private frees: Array<() => void> | null = null;

  constructor(private readonly budget: Budget) {}

  hold(bytes: number) {
    if (!this.open) throw new Error('a released reservation cannot hold bytes');
    this.budget.take(bytes);
    this.held += bytes;
  }

  giveBack(bytes: number) {
    const given = Math.min(bytes, this.held);
    this.budget.buffered -= given;
    this.held -= given;
  }

  onRelease(free: () => void) {
    if (this.frees) this.frees.push(free);
    else this.frees = [free];
  }

  release() {
    if (!this.open) return;
    this.open = false;
    this.budget.buffered -= this.held;
    this.held = 0;
    for (const free of this.frees ?? []) free();
    this.frees = null;
  }
}

class Slot implements VerificationSlot {
  private released = false;
  constructor(private readonly budget: Budget) {}
  release() {
    if (this.released) return;
    this.released = true;
    this.budget.handOn();
  }
}

class Budget implements RequestBudget {
  buffered = 0;
  private running = 0;
  private readonly queue: Array<{ grant: () => void }> = [];

  constructor(private readonly limits: BudgetLimits) {}

  take(bytes: number) {
    if (this.buffered + bytes > this.limits.maxBufferedBytes) {
      throw busy(
        `the server holds its limit of ${this.limits.maxBufferedBytes} bytes of request bodies in memory; retry in ${RETRY_AFTER_SECONDS} s`,
      );
    }
    this.buffered += bytes;
  }

  /** A slot was released: the first waiter takes it over, or it is free again. */
  handOn() {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.running--;
  }

  reservation(): BufferReservation {
    return new Reservation(this);
  }

  freeVerificationSlot(): VerificationSlot | null {
    if (this.running >= this.limits.maxConcurrentVerifications) return null;
    this.running++;
    return new Slot(this);
  }

  verificationSlot(signalOf?: () => AbortSignal): Promise<VerificationSlot> {
    const free = this.freeVerificationSlot();
    if (free) return Promise.resolve(free);
    if (this.queue.length >= this.limits.maxQueuedVerifications) {
      return Promise.reject(
        busy(
          `${this.running} verifications are running and ${this.queue.length} waiting, the server's limit; retry in ${RETRY_AFTER_SECONDS} s`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      let signal: AbortSignal | undefined;
      const onAbort = () => {
        const at = this.queue.indexOf(waiter);
        if (at !== -1) this.queue.splice(at, 1);
        reject(new TrustgateError('REQUEST_ABORTED', 'the client went away while waiting'));
      };
      // Most waits end within milliseconds under load; only a wait that lasts is worth a signal (on
      // Node, making one for every queued request cost about 5% of /verify's CPU time).
      const watch = setTimeout(() => {
        signal = signalOf?.();
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      }, SIGNAL_AFTER_MS);
      const waiter = {
        grant: () => {
          clearTimeout(watch);
          signal?.removeEventListener('abort', onAbort);
          resolve(new Slot(this));
        },
      };
      this.queue.push(waiter);
    });
  }

  usage() {
    return {
      bufferedBytes: this.buffered,
      verifications: this.running,
      queuedVerifications: this.queue.length,
    };
  }
}

export function createRequestBudget(limits: BudgetLimits): RequestBudget {
  return new Budget(limits);
}
