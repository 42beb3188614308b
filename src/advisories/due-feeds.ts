import type { FeedStatus } from './feed-state';

/**
 * The feeds a timer tick or a cron run should poll now: active ones whose `nextPollAt` has passed (or that
 * were never polled), most overdue first, at most `max` (so that one cron invocation stays short).
 */
export function selectDueFeeds<T extends { status: FeedStatus; nextPollAt: Date | string | null }>(
  feeds: readonly T[],
  now: Date,
  max: number,
): T[] {
  const at = (f: T) => (f.nextPollAt === null ? Number.NEGATIVE_INFINITY : new Date(f.nextPollAt).getTime());
  return feeds
    .filter((f) => f.status === 'active' && at(f) <= now.getTime())
    .sort((a, b) => at(a) - at(b))
    .slice(0, Math.max(0, max));
}
