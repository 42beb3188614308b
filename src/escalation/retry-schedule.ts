/**
 * Delays between webhook delivery attempts: exponential (base · 2^i, capped) with "equal jitter"
 * (each delay is between half and all of its exponential step), a bounded number of attempts.
 */

export const MAX_WEBHOOK_ATTEMPTS = 10;

export interface RetryPolicy {
  /** Total attempts including the first, clamped to 1..MAX_WEBHOOK_ATTEMPTS. */
  maxAttempts: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_BASE_DELAY_MS = 1000;
export const DEFAULT_MAX_DELAY_MS = 60_000;

/** Clamp a requested attempt count to 1..MAX_WEBHOOK_ATTEMPTS (NaN and fractions included). */
export function clampAttempts(n: number): number {
  if (!Number.isFinite(n)) return 1;
  return Math.min(MAX_WEBHOOK_ATTEMPTS, Math.max(1, Math.trunc(n)));
}

/** `maxAttempts - 1` delays in ms; `random` returns [0, 1). */
export function webhookRetryDelays(policy: RetryPolicy, random: () => number): number[] {
  const attempts = clampAttempts(policy.maxAttempts);
  const base = Math.max(0, policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS);
  const cap = Math.max(base, policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const delays: number[] = [];
  for (let i = 0; i < attempts - 1; i++) {
    const step = Math.min(cap, base * 2 ** i);
    const drawn = random();
    const r = Number.isFinite(drawn) ? Math.min(Math.max(drawn, 0), 1) : 0.5;
    delays.push(Math.round(step / 2 + (step / 2) * r));
  }
  return delays;
}
