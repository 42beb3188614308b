import type { Candidate } from './candidates';
import type { ItemParseError } from './feed-item';
import type { FeedState, FeedStatus } from './feed-state';
import type { ScheduleConfig } from './limits';
import type { CertificateFetchReport } from './poll-certificates';
import type { FingerprintChangeAlert, PolledItem } from './poll-items';
import { nextPollAt, type ScheduleOutcome } from './schedule';

/** The next version of the feed's row, for the caller to store. */
export interface FeedStatusUpdate {
  etag: string | null;
  lastModified: string | null;
  status: FeedStatus;
  disabledReason: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastPolledAt: string;
  /** Set when the poll succeeded (200 or 304); null otherwise (keep the stored value). */
  lastSuccessAt: string | null;
  nextPollAt: string | null;
}

/**
 * Plain, JSON-safe data (dates as ISO strings, except `nextPollAt`): what `POST /feeds/{id}/poll` can return
 * and what the caller stores.
 */
export interface PollResult {
  feedId: string;
  outcome: ScheduleOutcome['kind'];
  /** Where the feed was finally read after redirects (null when nothing was read). */
  finalUrl: string | null;
  /** Every item of the feed this time (empty on 304 and failures), each with its change against storage. */
  items: PolledItem[];
  itemErrors: (ItemParseError & { recovered: boolean })[];
  /** Candidates from new and edited items. */
  candidates: Candidate[];
  alerts: FingerprintChangeAlert[];
  certificateFetches: CertificateFetchReport[];
  feedStatus: FeedStatusUpdate;
  nextPollAt: Date | null;
}

export type PollFindings = Partial<
  Pick<PollResult, 'finalUrl' | 'items' | 'itemErrors' | 'candidates' | 'alerts' | 'certificateFetches'>
>;

/** The poll's result: what it found and the feed's next schedule and status, decided now. */
export function pollResult(
  clock: { now: () => Date; random: () => number; schedule: ScheduleConfig; startedAt: Date },
  feed: FeedState,
  outcome: ScheduleOutcome,
  found: PollFindings,
  validators: { etag: string | null; lastModified: string | null },
): PollResult {
  const decision = nextPollAt(feed, outcome, clock.now(), clock.random, clock.schedule);
  const succeeded = outcome.kind === 'ok' || outcome.kind === 'not_modified';
  return {
    feedId: feed.id,
    outcome: outcome.kind,
    finalUrl: found.finalUrl ?? null,
    items: found.items ?? [],
    itemErrors: found.itemErrors ?? [],
    candidates: found.candidates ?? [],
    alerts: found.alerts ?? [],
    certificateFetches: found.certificateFetches ?? [],
    nextPollAt: decision.nextPollAt,
    feedStatus: {
      ...validators,
      status: decision.status,
      disabledReason: decision.disabledReason,
      consecutiveFailures: decision.consecutiveFailures,
      lastError: decision.lastError,
      lastPolledAt: clock.startedAt.toISOString(),
      lastSuccessAt: succeeded ? clock.startedAt.toISOString() : null,
      nextPollAt: decision.nextPollAt ? decision.nextPollAt.toISOString() : null,
    },
  };
}
