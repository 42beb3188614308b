import { type Candidate, deriveCandidates, type ItemEvidence, type Provenance } from './candidates';
import { type CertificateInfo, readCertificate } from './certificate';
import { type Extraction, extractFromItem } from './extract';
import type { FeedItem, ItemParseError } from './feed-item';
import type { FeedState, FeedStatus } from './feed-state';
import { fetchFeed } from './fetch-feed';
import { type FetchLike, fetchResource } from './fetch-resource';
import { diffItem, type ItemDiff, type ItemSnapshot, itemSnapshot } from './item-hash';
import {
  type CertificateFetchLimits,
  DEFAULT_CERTIFICATE_LIMITS,
  DEFAULT_FETCH_LIMITS,
  DEFAULT_SCHEDULE,
  type FetchLimits,
  type ScheduleConfig,
} from './limits';
import { parseFeed } from './parse-feed';
import { certificatesFromFile } from './pem';
import type { PollPorts } from './ports';
import { nextPollAt, type ScheduleOutcome } from './schedule';
import type { UrlGuard } from './url-guard';

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

export interface CertificateFetchReport {
  itemGuid: string;
  url: string;
  /** Certificates read from the file; 0 with `error` set when it could not be fetched or read. */
  certificates: number;
  error: string | null;
}

export interface PolledItem {
  item: FeedItem;
  /** Store it under the item's guid; `previousItems` gives it back on the next poll. */
  snapshot: ItemSnapshot;
  diff: ItemDiff;
  /**
   * New and edited items are processed (linked files fetched, candidates made); an unchanged one only when
   * a linked file failed last time (`snapshot.incomplete`).
   */
  processed: boolean;
  /** What the item announced, JSON-safe (PEM text rather than DER bytes). */
  extraction: { fingerprints: Extraction['fingerprints']; pems: string[]; certificateLinks: string[] };
  /** Certificates read from the item's PEM blocks and linked files (new and edited items only). */
  certificates: { sha256: string; spkiSha256: string; subject: string; issuer: string }[];
  certificateErrors: string[];
}

/** Loud: an edit to an item already seen changed what it announces. */
export interface FingerprintChangeAlert {
  feedId: string;
  itemGuid: string;
  itemLink: string | null;
  added: string[];
  removed: string[];
}

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

async function readAll(
  ders: readonly Uint8Array[],
  subtle: SubtleCrypto,
): Promise<{ certs: CertificateInfo[]; errors: string[] }> {
  const certs: CertificateInfo[] = [];
  const errors: string[] = [];
  for (const der of ders) {
    const read = await readCertificate(der, subtle);
    if (read.ok) certs.push(read.certificate);
    else errors.push(read.reason);
  }
  return { certs, errors };
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
  const fetchDeps = {
    fetch: deps.fetch,
    now: deps.now,
    ...(deps.isAllowedUrl ? { isAllowedUrl: deps.isAllowedUrl } : {}),
  };

  const finish = (
    outcome: ScheduleOutcome,
    rest: Partial<
      Pick<PollResult, 'finalUrl' | 'items' | 'itemErrors' | 'candidates' | 'alerts' | 'certificateFetches'>
    >,
    validators: { etag: string | null; lastModified: string | null },
  ): PollResult => {
    const decision = nextPollAt(feed, outcome, deps.now(), deps.random, schedule);
    const succeeded = outcome.kind === 'ok' || outcome.kind === 'not_modified';
    return {
      feedId: feed.id,
      outcome: outcome.kind,
      finalUrl: rest.finalUrl ?? null,
      items: rest.items ?? [],
      itemErrors: rest.itemErrors ?? [],
      candidates: rest.candidates ?? [],
      alerts: rest.alerts ?? [],
      certificateFetches: rest.certificateFetches ?? [],
      nextPollAt: decision.nextPollAt,
      feedStatus: {
        ...validators,
        status: decision.status,
        disabledReason: decision.disabledReason,
        consecutiveFailures: decision.consecutiveFailures,
        lastError: decision.lastError,
        lastPolledAt: startedAt.toISOString(),
        lastSuccessAt: succeeded ? startedAt.toISOString() : null,
        nextPollAt: decision.nextPollAt ? decision.nextPollAt.toISOString() : null,
      },
    };
  };
  const kept = { etag: feed.etag, lastModified: feed.lastModified };

  const fetched = await fetchFeed(fetchDeps, feed, limits);
  if (fetched.kind === 'not_modified') return finish({ kind: 'not_modified' }, {}, kept);
  if (fetched.kind === 'gone') return finish({ kind: 'gone' }, {}, kept);
  if (fetched.kind === 'retry_later') return finish(fetched, {}, kept);
  if (fetched.kind === 'error') {
    return finish({ kind: 'error', reason: fetched.reason, detail: fetched.detail }, {}, kept);
  }

  const parsed = await parseFeed(
    fetched.body,
    fetched.contentType,
    fetched.finalUrl,
    certLimits.maxItemsPerFeed,
  );
  if (parsed.kind === 'error') {
    // validators are not stored: a 304 must not hide a document we could not read
    return finish({ kind: 'error', reason: 'unreadable_feed', detail: parsed.reason }, {}, kept);
  }

  const previous = await deps.ports.previousItems(feed.id);
  const items: PolledItem[] = [];
  const alerts: FingerprintChangeAlert[] = [];
  const certificateFetches: CertificateFetchReport[] = [];
  const evidence: ItemEvidence[] = [];
  let filesLeft = certLimits.maxFilesPerPoll;
  let certificatesLeft = certLimits.maxCertificatesPerPoll;
  const seenGuids = new Set<string>();

  const work: { polled: PolledItem; extraction: Extraction }[] = [];
  for (const item of parsed.items) {
    if (seenGuids.has(item.guid)) continue; // a guid listed twice: the first one counts
    seenGuids.add(item.guid);
    const extraction = extractFromItem(item, certLimits.maxCertificatesPerFile);
    const snapshot = await itemSnapshot(item, extraction, deps.subtle);
    const stored = previous.get(item.guid);
    const diff = diffItem(stored, snapshot);
    const retry = diff.change === 'unchanged' && stored?.incomplete === true;
    const polled: PolledItem = {
      item,
      snapshot,
      diff,
      processed: diff.change !== 'unchanged' || retry,
      extraction: {
        fingerprints: extraction.fingerprints,
        pems: extraction.pems.map((p) => p.pem),
        certificateLinks: extraction.certificateLinks,
      },
      certificates: [],
      certificateErrors: [],
    };
    items.push(polled);
    if (polled.processed) work.push({ polled, extraction });
  }
  // new and edited items first: retries of earlier failures must not use up the per-poll budgets
  work.sort(
    (a, b) => Number(a.polled.diff.change === 'unchanged') - Number(b.polled.diff.change === 'unchanged'),
  );

  for (const { polled, extraction } of work) {
    const { item, snapshot, diff } = polled;
    if (diff.change === 'edited' && diff.fingerprintsChanged) {
      alerts.push({
        feedId: feed.id,
        itemGuid: item.guid,
        itemLink: item.link,
        added: diff.added,
        removed: diff.removed,
      });
    }

    const ders = extraction.pems.map((p) => p.der);
    for (const url of extraction.certificateLinks.slice(0, certLimits.maxFilesPerItem)) {
      if (filesLeft <= 0) {
        certificateFetches.push({
          itemGuid: item.guid,
          url,
          certificates: 0,
          error: 'skipped: per-poll file limit',
        });
        continue;
      }
      filesLeft--;
      const file = await fetchResource(
        fetchDeps,
        url,
        { ...limits, maxBytes: certLimits.maxBytes },
        {
          accept: 'application/x-pem-file, application/pkix-cert, application/x-x509-ca-cert, */*;q=0.5',
        },
      );
      if (file.kind !== 'ok') {
        const error =
          file.kind === 'error'
            ? `${file.reason}: ${file.detail}`
            : file.kind === 'retry_later'
              ? file.reason
              : file.kind;
        certificateFetches.push({ itemGuid: item.guid, url, certificates: 0, error });
        snapshot.incomplete = true;
        continue;
      }
      const found = certificatesFromFile(file.bytes, certLimits.maxCertificatesPerFile);
      certificateFetches.push({
        itemGuid: item.guid,
        url,
        certificates: found.length,
        error: found.length === 0 ? 'no certificate in the file' : null,
      });
      ders.push(...found.map((f) => f.der));
    }
    if (ders.length > certificatesLeft) {
      polled.certificateErrors.push(
        `${ders.length - Math.max(certificatesLeft, 0)} certificate(s) not read: per-poll certificate limit`,
      );
      snapshot.incomplete = true;
    }
    const { certs, errors } = await readAll(ders.slice(0, Math.max(certificatesLeft, 0)), deps.subtle);
    certificatesLeft -= Math.min(ders.length, certificatesLeft);
    polled.certificates = certs.map((c) => ({
      sha256: c.sha256,
      spkiSha256: c.spkiSha256,
      subject: c.subject,
      issuer: c.issuer,
    }));
    polled.certificateErrors.push(...errors);
    const provenance: Provenance = {
      feedId: feed.id,
      itemGuid: item.guid,
      itemLink: item.link,
      fetchedAt: startedAt.toISOString(),
      contentHash: snapshot.contentHash,
    };
    evidence.push({ provenance, fingerprints: extraction.fingerprints, certificates: certs });
  }

  let candidates: Candidate[] = [];
  if (evidence.some((e) => e.certificates.length > 0 || e.fingerprints.length > 0)) {
    const rootDers = await deps.ports.activeRoots(feed.vendorId);
    const { certs: activeRoots } = await readAll(rootDers, deps.subtle);
    candidates = await deriveCandidates(feed.vendorId, evidence, activeRoots, deps.subtle);
  }

  return finish(
    { kind: 'ok' },
    {
      finalUrl: fetched.finalUrl,
      items,
      itemErrors: parsed.itemErrors,
      candidates,
      alerts,
      certificateFetches,
    },
    { etag: fetched.etag, lastModified: fetched.lastModified },
  );
}
