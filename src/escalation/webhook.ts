import { parseRetryAfter } from '../encoding';
import { clampAttempts, DEFAULT_MAX_DELAY_MS, webhookRetryDelays } from './retry-schedule';
import type { WebhookEvent } from './webhook-event';
import type { WebhookSigner } from './webhook-signature';

/**
 * Deliver one webhook event with retries and backoff. Never throws and never rejects: the outcome is a
 * value, so a failing webhook cannot fail `/verify` or a resolve. Time, randomness and I/O are injected.
 */

export interface WebhookDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Resolves after `ms`; should resolve or reject early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => Date;
  /** Returns [0, 1), for the jitter. */
  random: () => number;
  /**
   * Signs each attempt (`webhook-signature`, Standard Webhooks); left out, deliveries go unsigned. Every
   * attempt carries `webhook-id` (the event's id, the same on retries) and `webhook-timestamp` either way.
   */
  sign?: WebhookSigner;
}

export interface WebhookOptions {
  maxAttempts: number;
  timeoutMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export type WebhookDelivery =
  | { status: 'delivered'; attempts: number; httpStatus: number; elapsedMs: number }
  | {
      status: 'gave-up';
      attempts: number;
      /** `exhausted`: every attempt failed; `permanent`: the receiver refused (4xx); `invalid-url`. */
      reason: 'exhausted' | 'permanent' | 'invalid-url';
      lastError: string;
      elapsedMs: number;
    };

type Attempt =
  | { ok: true; httpStatus: number }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/** A `sleep` on the platform timer (Node and Workers both have a global `setTimeout`). */
export function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, Math.max(0, ms));
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // the body is not needed; a failure to discard it changes nothing
  }
}

async function attemptOnce(
  deps: WebhookDeps,
  url: string,
  body: string,
  event: WebhookEvent,
  attempt: number,
  timeoutMs: number,
): Promise<Attempt> {
  const request = new AbortController();
  const timer = new AbortController();
  const timeout = deps
    .sleep(timeoutMs, timer.signal)
    .then(() => 'timeout' as const)
    .catch(() => 'timeout' as const);
  try {
    // The attempt's own time: a retry is signed anew, so that receivers can refuse stale replays.
    const timestamp = Math.floor(deps.now().getTime() / 1000);
    const signature = deps.sign ? await deps.sign({ id: event.id, timestamp, body }) : undefined;
    const response = deps.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'trustgate-webhook',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        ...(signature ? { 'webhook-signature': signature } : {}),
        'x-trustgate-event': event.type,
        'x-trustgate-delivery': event.id,
        'x-trustgate-attempt': String(attempt),
      },
      body,
      redirect: 'manual',
      signal: request.signal,
    });
    const winner = await Promise.race([response, timeout]);
    if (winner === 'timeout') {
      request.abort();
      response.then(discardBody, () => undefined);
      return { ok: false, retryable: true, error: `no response within ${timeoutMs} ms` };
    }
    await discardBody(winner);
    if (winner.status >= 200 && winner.status < 300) return { ok: true, httpStatus: winner.status };
    const retryable = winner.status >= 500 || RETRYABLE_STATUS.has(winner.status);
    const now = deps.now();
    const until = parseRetryAfter(winner.headers.get('retry-after'), now);
    return {
      ok: false,
      retryable,
      error: `HTTP ${winner.status}`,
      ...(until ? { retryAfterMs: until.getTime() - now.getTime() } : {}),
    };
  } catch (error) {
    return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
  } finally {
    timer.abort();
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

export async function deliverWebhook(
  deps: WebhookDeps,
  url: string,
  event: WebhookEvent,
  options: WebhookOptions,
): Promise<WebhookDelivery> {
  let started = 0;
  const elapsed = () => {
    try {
      return Math.max(0, deps.now().getTime() - started);
    } catch {
      return 0;
    }
  };
  let attempts = 0;
  let lastError = '';
  try {
    started = deps.now().getTime();
    if (!isHttpUrl(url)) {
      return {
        status: 'gave-up',
        attempts,
        reason: 'invalid-url',
        lastError: 'not an http(s) URL',
        elapsedMs: 0,
      };
    }
    const maxAttempts = clampAttempts(options.maxAttempts);
    const maxDelay = Math.max(0, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    const delays = webhookRetryDelays({ ...options, maxAttempts }, deps.random);
    const body = JSON.stringify(event);
    const timeoutMs = Math.max(1, options.timeoutMs);
    while (attempts < maxAttempts) {
      attempts += 1;
      const result = await attemptOnce(deps, url, body, event, attempts, timeoutMs);
      if (result.ok) {
        return { status: 'delivered', attempts, httpStatus: result.httpStatus, elapsedMs: elapsed() };
      }
      lastError = result.error;
      if (!result.retryable) {
        return { status: 'gave-up', attempts, reason: 'permanent', lastError, elapsedMs: elapsed() };
      }
      if (attempts >= maxAttempts) break;
      const backoff = delays[attempts - 1] ?? 0;
      const delay = Math.min(maxDelay, Math.max(backoff, result.retryAfterMs ?? 0));
      await deps.sleep(delay);
    }
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  return { status: 'gave-up', attempts, reason: 'exhausted', lastError, elapsedMs: elapsed() };
}
