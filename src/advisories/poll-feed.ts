import { type Candidate, deriveCandidates, type ItemEvidence } from './candidates';
import type { FeedState } from './feed-state';
import type { FetchLike } from './fetch-resource';
import {
  type CertificateFetchLimits,
  DEFAULT_CERTIFICATE_LIMITS,
  DEFAULT_FETCH_LIMITS,
  DEFAULT_SCHEDULE,
  type FetchLimits,
  type ScheduleConfig,
} from './limits';
import { readAll, readItemCertificates } from './poll-certificates';
import { diffItems, fingerprintAlerts } from './poll-items';
import { readFeed } from './poll-read';
import { type PollResult, pollResult } from './poll-result';
import type { PollPorts } from './ports';
import type { UrlGuard } from './url-guard';

export type { CertificateFetchReport } from './poll-certificates';
export type { FingerprintChangeAlert, PolledItem } from './poll-items';
export type { FeedStatusUpdate, PollResult } from './poll-result';

export interface PollDeps {
  fetch: FetchLike;
  now: () => Date;
  /** Uniform in [0, 1): jitter for the schedule. */
  random: () => number;
  /** WebCrypto: hashes and signature checks. */
  subtle: SubtleCrypto;
  /** Defaults to `publicHttpOnly` (no private or loopback addresses). */
  isAllowedUrl?: UrlGuard;
  ports: PollPorts;
  limits?: Partial<FetchLimits>;
  certificateLimits?: Partial<CertificateFetchLimits>;
  schedule?: Partial<ScheduleConfig>;
}

/**
 * One poll of one feed, pure apart from the injected ports: fetch (conditional GET within limits) → parse →
 * per item: content hash, extraction, diff against what was stored; for new and edited items, linked
 * certificate files are fetched (same limits, smaller body cap, bounded count) and certificates read →
 * candidates (with corroboration against the vendor's active roots) → the next schedule.
 * Returns plain data to persist; it never activates anything and throws only on faults.
 */
export async function pollFeed(deps: PollDeps, feed: FeedState): Promise<PollResult> {
  const limits: FetchLimits = { ...DEFAULT_FETCH_LIMITS, ...deps.limits };
  const certLimits: CertificateFetchLimits = { ...DEFAULT_CERTIFICATE_LIMITS, ...deps.certificateLimits };
  const schedule: ScheduleConfig = { ...DEFAULT_SCHEDULE, ...deps.schedule };
  const startedAt = deps.now();
  const clock = { now: deps.now, random: deps.random, schedule, startedAt };
  const fetchDeps = {
    fetch: deps.fetch,
    now: deps.now,
    ...(deps.isAllowedUrl ? { isAllowedUrl: deps.isAllowedUrl } : {}),
  };

  const read = await readFeed(fetchDeps, feed, limits, certLimits.maxItemsPerFeed);
  if (read.kind === 'done') {
    return pollResult(clock, feed, read.outcome, {}, { etag: feed.etag, lastModified: feed.lastModified });
  }

  const previous = await deps.ports.previousItems(feed.id);
  const { items, work } = await diffItems(
    read.items,
    previous,
    certLimits.maxCertificatesPerFile,
    deps.subtle,
  );
  const alerts = fingerprintAlerts(feed.id, work);
  const { certificateFetches, evidence } = await readItemCertificates(
    {
      fetchDeps,
      limits,
      certLimits,
      subtle: deps.subtle,
      feedId: feed.id,
      fetchedAt: startedAt.toISOString(),
    },
    work,
  );
  const candidates = await candidatesOf(deps, feed.vendorId, evidence);

  return pollResult(
    clock,
    feed,
    { kind: 'ok' },
    { finalUrl: read.finalUrl, items, itemErrors: read.itemErrors, candidates, alerts, certificateFetches },
    { etag: read.etag, lastModified: read.lastModified },
  );
}

/** Candidate roots from the items' evidence, corroborated against the vendor's active roots. */
async function candidatesOf(
  deps: PollDeps,
  vendorId: string,
  evidence: ItemEvidence[],
): Promise<Candidate[]> {
  if (!evidence.some((e) => e.certificates.length > 0 || e.fingerprints.length > 0)) return [];
  const rootDers = await deps.ports.activeRoots(vendorId);
  const { certs: activeRoots } = await readAll(rootDers, deps.subtle);
  return deriveCandidates(vendorId, evidence, activeRoots, deps.subtle);
}
