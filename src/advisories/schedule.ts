import type { FeedState, FeedStatus } from './feed-state';
import { DEFAULT_SCHEDULE, type ScheduleConfig } from './limits';

/** What a poll came to, as far as scheduling is concerned. */
export type ScheduleOutcome =
  | { kind: 'ok' }
  | { kind: 'not_modified' }
  | { kind: 'retry_later'; until: Date; reason: string }
  | { kind: 'gone' }
  | { kind: 'error'; reason: string; detail?: string };

export interface ScheduleDecision {
  /** When to poll next; null once the feed is disabled. */
  nextPollAt: Date | null;
  status: FeedStatus;
  /** Shown by `GET /feeds`: a disabled feed must say why (a silent feed means missed rotations). */
  disabledReason: string | null;
  consecutiveFailures: number;
  /** The failure of this poll, in words; null when it succeeded. */
  lastError: string | null;
}

const seconds = (n: number) => n * 1000;

function describe(outcome: ScheduleOutcome): string {
  switch (outcome.kind) {
    case 'error':
      return outcome.detail ? `${outcome.reason}: ${outcome.detail}` : outcome.reason;
    case 'retry_later':
      return `${outcome.reason} (Retry-After ${outcome.until.toISOString()})`;
    case 'gone':
      return 'HTTP 410 Gone';
    default:
      return '';
  }
}

/**
 * Decides when a feed is polled next, after `outcome`:
 * - success (200 or 304): the feed's base interval × (1 ± jitterRatio), failures reset;
 * - 429/503 with Retry-After: at that time (clamped to [floor, maxRetryAfter]), counted as a failure;
 * - error: exponential backoff with full jitter: uniform in [floor, min(cap, base × 2^(n-1))] after the
 *   n-th failure in a row;
 * - 410, or `maxConsecutiveFailures` failures in a row: disabled, with a reason a listing can show.
 * A feed that is already disabled stays disabled (re-enabling is an admin's decision).
 * `random` returns a number in [0, 1).
 */
export function nextPollAt(
  feed: Pick<FeedState, 'url' | 'status' | 'disabledReason' | 'consecutiveFailures' | 'pollIntervalSeconds'>,
  outcome: ScheduleOutcome,
  now: Date,
  random: () => number,
  config: ScheduleConfig = DEFAULT_SCHEDULE,
): ScheduleDecision {
  const t = now.getTime();
  const r = Math.min(Math.max(random(), 0), 1);
  if (feed.status === 'disabled') {
    return {
      nextPollAt: null,
      status: 'disabled',
      disabledReason: feed.disabledReason ?? 'disabled',
      consecutiveFailures: feed.consecutiveFailures,
      lastError: outcome.kind === 'ok' || outcome.kind === 'not_modified' ? null : describe(outcome),
    };
  }
  if (outcome.kind === 'ok' || outcome.kind === 'not_modified') {
    const base = feed.pollIntervalSeconds ?? config.baseIntervalSeconds;
    const delay = base * (1 + config.jitterRatio * (2 * r - 1));
    return {
      nextPollAt: new Date(t + seconds(delay)),
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
      lastError: null,
    };
  }
  const lastError = describe(outcome);
  if (outcome.kind === 'gone') {
    return {
      nextPollAt: null,
      status: 'disabled',
      disabledReason: `the feed answered 410 Gone (${feed.url}); subscribe its new address`,
      consecutiveFailures: feed.consecutiveFailures + 1,
      lastError,
    };
  }
  const failures = feed.consecutiveFailures + 1;
  if (failures >= config.maxConsecutiveFailures) {
    return {
      nextPollAt: null,
      status: 'disabled',
      disabledReason: `disabled after ${failures} failed polls in a row; last: ${lastError}`,
      consecutiveFailures: failures,
      lastError,
    };
  }
  let delay: number;
  if (outcome.kind === 'retry_later') {
    const asked = (outcome.until.getTime() - t) / 1000;
    delay = Math.min(Math.max(asked, config.backoffFloorSeconds), config.maxRetryAfterSeconds);
  } else {
    const step = Math.min(config.backoffCapSeconds, config.backoffBaseSeconds * 2 ** (failures - 1));
    const floor = Math.min(config.backoffFloorSeconds, step);
    delay = floor + r * (step - floor);
  }
  return {
    nextPollAt: new Date(t + seconds(delay)),
    status: 'active',
    disabledReason: null,
    consecutiveFailures: failures,
    lastError,
  };
}
