import {
  type Candidate,
  type CertificateFetchLimits,
  type CertificateInfo,
  type FetchLike,
  type FetchLimits,
  findCorroboration,
  newFeedState,
  nextPollAt,
  type PollResult,
  pollFeed,
  readCertificate,
  type ScheduleConfig,
  selectDueFeeds,
  type UrlGuard,
} from '../advisories';
import type { Database } from '../db';
import {
  type AdvisoryItemData,
  type AdvisoryRepository,
  createAdvisoryRepository,
} from '../db/advisory-repository';
import {
  type CandidateRepository,
  candidateKey,
  createCandidateRepository,
  derOfPem,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredProvenance,
} from '../db/candidate-repository';
import {
  createFeedRepository,
  type FeedRecordState,
  type FeedRepository,
  feedStateOf,
  initialFeedState,
  type StoredFeed,
} from '../db/feed-repository';
import { createTrustRepository } from '../db/trust-repository';
import { TrustgateError } from '../errors';
import type { Anchor, TrustRepository } from '../trust';
import { toHex } from '../verify';

/** What each platform gives the feed poller: the Node timer and the Workers cron call the same function. */
export interface FeedPollingDeps {
  db: Database;
  fetch: FetchLike;
  subtle: SubtleCrypto;
  now: () => Date;
  /** Uniform in [0, 1): jitter for the schedule. */
  random: () => number;
  /** Which URLs may be fetched (every redirect hop too); defaults to public http(s) hosts only. */
  isAllowedUrl?: UrlGuard;
  /** Feeds polled by one call at most (most overdue first); default 10, so a cron run stays short. */
  maxFeeds?: number;
  /** Feeds polled at the same time; default 4. */
  concurrency?: number;
  limits?: Partial<FetchLimits>;
  certificateLimits?: Partial<CertificateFetchLimits>;
  schedule?: Partial<ScheduleConfig>;
}

export interface FeedPollingReport {
  /** Feeds polled by this call. */
  polled: number;
  /** Of those, polls that succeeded (200 or 304). */
  succeeded?: number;
  /** Feeds this call disabled (410, or a long run of failures). */
  disabled?: number;
  /** Candidates stored or updated. */
  candidates?: number;
  /** Edits that changed an item's fingerprints. */
  alerts?: number;
}

/** Who the poller is in the audit log. */
export const FEED_POLLER_ACTOR = 'feed-poller';
/** How long one poll holds a feed: another poller skips it meanwhile, and a crashed one's hold runs out. */
const LEASE_SECONDS = 15 * 60;
const DEFAULT_MAX_FEEDS = 10;
const DEFAULT_CONCURRENCY = 4;

export interface FeedPollOutcome {
  feed: StoredFeed;
  result: PollResult;
  /** Candidates of this poll as stored (merged with what was on file). */
  candidates: StoredCandidate[];
}

function mergeProvenance(a: StoredProvenance[], b: StoredProvenance[]): StoredProvenance[] {
  const out = [...a];
  for (const p of b) {
    if (
      !out.some((o) => o.feedId === p.feedId && o.itemGuid === p.itemGuid && o.contentHash === p.contentHash)
    )
      out.push(p);
  }
  return out;
}

/** Folds a candidate of this poll into what was stored: provenances accumulate, corroboration sticks. */
function mergeCandidate(
  existing: StoredCandidateData | null,
  next: StoredCandidateData,
): StoredCandidateData {
  if (!existing) return next;
  const provenances = mergeProvenance(
    [existing.provenance, ...existing.otherProvenance],
    [next.provenance, ...next.otherProvenance],
  );
  const [provenance, ...otherProvenance] = provenances as [StoredProvenance, ...StoredProvenance[]];
  if (existing.kind === 'certificate' && next.kind === 'certificate') {
    // the self-issued certificate of the key is the candidate's own, whichever poll brought it
    const primary = !existing.selfIssued && next.selfIssued ? next : existing;
    const other = primary === next ? existing : next;
    const twins = [
      ...primary.sameKeyCertificates,
      ...other.sameKeyCertificates,
      { sha256: other.sha256, subject: other.subject, issuer: other.issuer, pem: other.pem },
    ].filter((c, i, all) => c.sha256 !== primary.sha256 && all.findIndex((o) => o.sha256 === c.sha256) === i);
    const corroboration = next.corroboration ?? existing.corroboration;
    return {
      ...primary,
      sameKeyCertificates: twins,
      announcedInText: existing.announcedInText || next.announcedInText,
      corroborated: corroboration !== null,
      corroboration,
      provenance,
      otherProvenance,
    };
  }
  return { ...existing, provenance, otherProvenance };
}

async function inPool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

export type FeedService = ReturnType<typeof createFeedService>;

/** Subscriptions, polls and what they stored: the feed routes, the Node timer and the Workers cron use it. */
export function createFeedService(
  deps: FeedPollingDeps & {
    feeds?: FeedRepository;
    advisories?: AdvisoryRepository;
    candidates?: CandidateRepository;
    trust?: TrustRepository;
  },
) {
  const feeds = deps.feeds ?? createFeedRepository(deps.db);
  const advisories = deps.advisories ?? createAdvisoryRepository(deps.db);
  const candidates = deps.candidates ?? createCandidateRepository(deps.db);
  const trust = deps.trust ?? createTrustRepository(deps.db);

  async function audit(
    action: string,
    feed: Pick<StoredFeed, 'id' | 'vendorId'>,
    actor: string,
    reason: string | null,
    before: unknown,
    after: unknown,
  ) {
    await trust.appendAudit({
      at: deps.now().toISOString(),
      actor,
      action,
      targetType: 'feed',
      targetId: feed.id,
      vendorId: feed.vendorId,
      reason,
      before,
      after,
    });
  }

  const subscription = (f: StoredFeed) => ({
    id: f.id,
    vendorId: f.vendorId,
    url: f.url,
    status: f.state.status,
  });

  async function subscribe(input: {
    vendorId: string;
    url: string;
    pollIntervalSeconds?: number | null;
    actor: string;
    reason: string | null;
  }): Promise<StoredFeed> {
    if (!(await trust.getVendor(input.vendorId)))
      throw new TrustgateError('NOT_FOUND', `no vendor '${input.vendorId}'`);
    const id = `feed_${toHex(crypto.getRandomValues(new Uint8Array(10)))}`;
    const made = newFeedState(
      {
        id,
        vendorId: input.vendorId,
        url: input.url,
        pollIntervalSeconds: input.pollIntervalSeconds ?? null,
      },
      ...(deps.isAllowedUrl ? [deps.isAllowedUrl] : []),
    );
    if (!made.ok) {
      throw new TrustgateError(
        made.reason === 'url_not_allowed' ? 'FEED_URL_NOT_ALLOWED' : 'INVALID_FIELD',
        `url: ${made.detail}`,
      );
    }
    const taken = async () => {
      const existing = await feeds.findByUrl(input.vendorId, made.feed.url);
      if (existing)
        throw new TrustgateError(
          'FEED_EXISTS',
          `vendor '${input.vendorId}' already has this feed: ${existing.id}`,
          {
            feedId: existing.id,
          },
        );
    };
    await taken();
    const feed: StoredFeed = {
      id,
      vendorId: input.vendorId,
      url: made.feed.url,
      createdBy: input.actor,
      createdAt: deps.now().toISOString(),
      state: initialFeedState(input.pollIntervalSeconds ?? null),
    };
    if (!(await feeds.insert(feed))) {
      await taken(); // a concurrent subscription of the same URL won
      throw new Error(`inserting feed ${id} failed`);
    }
    await audit('feed.subscribe', feed, input.actor, input.reason, null, subscription(feed));
    return feed;
  }

  async function load(id: string): Promise<StoredFeed> {
    const feed = await feeds.get(id);
    if (!feed) throw new TrustgateError('NOT_FOUND', `no feed '${id}'`);
    return feed;
  }

  /** Takes the feed for one poll, or null when another poller holds it or it moved on. */
  async function claim(feed: StoredFeed, now: Date, state: FeedRecordState = feed.state) {
    const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
    const claimed: FeedRecordState = {
      ...state,
      rev: feed.state.rev + 1,
      leaseUntil,
      nextPollAt: state.status === 'active' ? leaseUntil : state.nextPollAt,
    };
    return (await feeds.updateState(feed.id, claimed, feed.state.rev)) ? claimed : null;
  }

  const ports = {
    previousItems: (feedId: string) => advisories.snapshots(feedId),
    activeRoots: async (vendorId: string) =>
      (await trust.listAnchors(vendorId)).filter((a) => a.state === 'active').map((a) => a.der),
  };

  /** Stores what one poll returned; false when the feed was deleted or taken over meanwhile. */
  async function store(feed: StoredFeed, claimed: FeedRecordState, result: PollResult, actor: string) {
    const s = result.feedStatus;
    const next: FeedRecordState = {
      ...claimed,
      rev: claimed.rev + 1,
      etag: s.etag,
      lastModified: s.lastModified,
      status: s.status,
      disabledReason: s.disabledReason,
      consecutiveFailures: s.consecutiveFailures,
      nextPollAt: s.nextPollAt,
      leaseUntil: null,
      lastPolledAt: s.lastPolledAt,
      lastSuccessAt: s.lastSuccessAt ?? claimed.lastSuccessAt,
      lastError: s.lastError,
      lastOutcome: result.outcome,
    };
    if (!(await feeds.updateState(feed.id, next, claimed.rev))) return null;
    const stored: StoredFeed = { ...feed, state: next };
    if (claimed.status === 'active' && next.status === 'disabled') {
      console.warn(`FEED DISABLED ${feed.id} (${feed.vendorId}, ${feed.url}): ${next.disabledReason}`);
      await audit(
        'feed.disable',
        feed,
        actor,
        next.disabledReason,
        { status: 'active' },
        {
          status: 'disabled',
          disabledReason: next.disabledReason,
          lastError: next.lastError,
        },
      );
    }

    const at = s.lastPolledAt;
    const titles = new Map(result.items.map((i) => [i.item.guid, i.item.title]));
    const unchanged: string[] = [];
    for (const polled of result.items) {
      const { item, snapshot, diff } = polled;
      if (diff.change === 'unchanged' && !polled.processed) {
        unchanged.push(item.guid);
        continue;
      }
      const previous = diff.change === 'new' ? null : await advisories.get(feed.id, item.guid);
      const data: AdvisoryItemData = {
        feedUrl: feed.url,
        title: item.title,
        link: item.link,
        published: item.published,
        announced: snapshot.announced,
        incomplete: snapshot.incomplete === true,
        extracted: {
          fingerprints: polled.extraction.fingerprints,
          pems: polled.extraction.pems.length,
          certificateLinks: polled.extraction.certificateLinks,
          certificates: polled.certificates,
          certificateErrors: polled.certificateErrors,
        },
        edits: [
          ...(previous?.data.edits ?? []),
          ...(diff.change === 'edited' && previous
            ? [
                {
                  at,
                  previousContentHash: previous.contentHash,
                  contentHash: snapshot.contentHash,
                  fingerprintsChanged: diff.fingerprintsChanged,
                  added: diff.added,
                  removed: diff.removed,
                },
              ]
            : []),
        ],
        fingerprintsChanged:
          (previous?.data.fingerprintsChanged ?? false) ||
          (diff.change === 'edited' && diff.fingerprintsChanged),
      };
      await advisories.put({
        feedId: feed.id,
        guid: item.guid,
        vendorId: feed.vendorId,
        contentHash: snapshot.contentHash,
        data,
        firstSeen: previous?.firstSeen ?? at,
        lastSeen: at,
      });
    }
    await advisories.touch(feed.id, unchanged, at);

    for (const alert of result.alerts) {
      console.warn(
        `ADVISORY EDIT CHANGED FINGERPRINTS: feed ${feed.id} (${feed.vendorId}) item ${alert.itemGuid}: added [${alert.added.join(', ')}] removed [${alert.removed.join(', ')}]`,
      );
      await audit(
        'advisory.fingerprints_changed',
        feed,
        actor,
        `an edit of item ${alert.itemGuid} (${alert.itemLink ?? 'no link'}) changed what it announces`,
        { itemGuid: alert.itemGuid, removed: alert.removed },
        { itemGuid: alert.itemGuid, added: alert.added },
      );
    }

    const storedCandidates: StoredCandidate[] = [];
    for (const candidate of result.candidates) {
      const widen = (p: Candidate['provenance']): StoredProvenance => ({
        ...p,
        feedUrl: feed.url,
        itemTitle: titles.get(p.itemGuid) ?? '',
      });
      const data = {
        ...candidate,
        provenance: widen(candidate.provenance),
        otherProvenance: candidate.otherProvenance.map(widen),
      } as StoredCandidateData;
      const key = candidateKey(candidate);
      const existing =
        (await candidates.get(feed.vendorId, key)) ??
        (candidate.kind === 'certificate'
          ? await candidates.findByKey(feed.vendorId, candidate.spkiSha256)
          : null);
      const merged = mergeCandidate(existing?.data ?? null, data);
      const row: StoredCandidate = {
        vendorId: feed.vendorId,
        key: candidateKey(merged),
        data: merged,
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      await candidates.put(row, existing?.key);
      storedCandidates.push(row);
    }
    return { feed: stored, candidates: storedCandidates };
  }

  /** Polls one claimed feed and stores the outcome; a fault counts as a failed poll (and is logged). */
  async function pollClaimed(feed: StoredFeed, claimed: FeedRecordState, actor: string) {
    const domainFeed = feedStateOf({ ...feed, state: claimed });
    let result: PollResult;
    try {
      result = await pollFeed(
        {
          fetch: deps.fetch,
          now: deps.now,
          random: deps.random,
          subtle: deps.subtle,
          ports,
          ...(deps.isAllowedUrl ? { isAllowedUrl: deps.isAllowedUrl } : {}),
          ...(deps.limits ? { limits: deps.limits } : {}),
          ...(deps.certificateLimits ? { certificateLimits: deps.certificateLimits } : {}),
          ...(deps.schedule ? { schedule: deps.schedule } : {}),
        },
        domainFeed,
      );
    } catch (error) {
      console.error(`polling feed ${feed.id} (${feed.url}) failed`, error);
      const now = deps.now();
      const outcome = {
        kind: 'error' as const,
        reason: 'internal_error',
        detail: String((error as Error)?.message ?? error),
      };
      const decision = nextPollAt(domainFeed, outcome, now, deps.random);
      result = {
        feedId: feed.id,
        outcome: 'error',
        finalUrl: null,
        items: [],
        itemErrors: [],
        candidates: [],
        alerts: [],
        certificateFetches: [],
        nextPollAt: decision.nextPollAt,
        feedStatus: {
          etag: claimed.etag,
          lastModified: claimed.lastModified,
          status: decision.status,
          disabledReason: decision.disabledReason,
          consecutiveFailures: decision.consecutiveFailures,
          lastError: decision.lastError,
          lastPolledAt: now.toISOString(),
          lastSuccessAt: null,
          nextPollAt: decision.nextPollAt?.toISOString() ?? null,
        },
      };
    }
    const stored = await store(feed, claimed, result, actor);
    return stored ? { result, ...stored } : null;
  }

  async function readDers(ders: Uint8Array[]): Promise<CertificateInfo[]> {
    const out: CertificateInfo[] = [];
    for (const der of ders) {
      const read = await readCertificate(der, deps.subtle);
      if (read.ok) out.push(read.certificate);
    }
    return out;
  }

  async function currentCorroboration(rows: StoredCandidate[]): Promise<StoredCandidate[]> {
    const activeOf = new Map<string, CertificateInfo[]>();
    const out: StoredCandidate[] = [];
    for (const row of rows) {
      const d = row.data;
      if (d.kind !== 'certificate') {
        out.push(row);
        continue;
      }
      let active = activeOf.get(row.vendorId);
      if (!active) {
        const anchors = (await trust.listAnchors(row.vendorId)).filter((a) => a.state === 'active');
        active = await readDers(anchors.map((a) => a.der));
        activeOf.set(row.vendorId, active);
      }
      const [own] = await readDers([derOfPem(d.pem)]);
      const corroboration = own
        ? await findCorroboration(
            own,
            active,
            deps.subtle,
            await readDers(d.sameKeyCertificates.map((c) => derOfPem(c.pem))),
          )
        : null;
      if (
        corroboration?.rootSha256 === d.corroboration?.rootSha256 &&
        corroboration?.crossSignSha256 === d.corroboration?.crossSignSha256
      ) {
        out.push(row);
        continue;
      }
      const updated: StoredCandidate = {
        ...row,
        data: { ...d, corroborated: corroboration !== null, corroboration },
        updatedAt: deps.now().toISOString(),
      };
      await candidates.put(updated);
      out.push(updated);
    }
    return out;
  }

  return {
    subscribe,
    /** Checks the corroboration of these candidates against the roots active now (changes are stored). */
    refreshCorroboration: currentCorroboration,
    list: (filter?: { vendorId?: string }) => feeds.list(filter),
    get: load,

    async unsubscribe(id: string, actor: string, reason: string | null): Promise<StoredFeed> {
      const feed = await load(id);
      if (!(await feeds.delete(id))) throw new TrustgateError('NOT_FOUND', `no feed '${id}'`);
      await advisories.deleteFeed(id);
      await audit('feed.unsubscribe', feed, actor, reason, subscription(feed), null);
      return feed;
    },

    /**
     * Polls one feed now (`POST /feeds/{id}/poll`). A disabled feed is enabled again first: polling it by
     * hand is the admin's decision to try it again (audited as `feed.enable`).
     */
    async pollNow(id: string, actor: string): Promise<FeedPollOutcome> {
      const feed = await load(id);
      const now = deps.now();
      if (feed.state.leaseUntil && new Date(feed.state.leaseUntil) > now) {
        throw new TrustgateError(
          'CONFLICT',
          `feed '${id}' is being polled (until ${feed.state.leaseUntil}); try again later`,
        );
      }
      const reenable = feed.state.status === 'disabled';
      const state: FeedRecordState = reenable
        ? { ...feed.state, status: 'active', disabledReason: null, consecutiveFailures: 0 }
        : feed.state;
      const claimed = await claim(feed, now, state);
      if (!claimed)
        throw new TrustgateError('CONFLICT', `feed '${id}' changed while this request ran; try again`);
      if (reenable) {
        await audit(
          'feed.enable',
          feed,
          actor,
          'polled by hand while disabled',
          { status: 'disabled', disabledReason: feed.state.disabledReason },
          { status: 'active' },
        );
      }
      const polled = await pollClaimed(feed, claimed, actor);
      if (!polled)
        throw new TrustgateError('CONFLICT', `feed '${id}' was deleted or changed while it was polled`);
      return polled;
    },

    /** The poll step of the Node timer and the Workers cron: due feeds, most overdue first, a few at a time. */
    async pollDue(): Promise<FeedPollingReport> {
      const report = {
        polled: 0,
        succeeded: 0,
        disabled: 0,
        candidates: 0,
        alerts: 0,
      } satisfies FeedPollingReport;
      const now = deps.now();
      const due = selectDueFeeds(
        (await feeds.list()).map((f) => ({
          feed: f,
          status: f.state.status,
          nextPollAt: f.state.nextPollAt,
        })),
        now,
        deps.maxFeeds ?? DEFAULT_MAX_FEEDS,
      );
      await inPool(due, deps.concurrency ?? DEFAULT_CONCURRENCY, async ({ feed }) => {
        try {
          const claimed = await claim(feed, deps.now());
          if (!claimed) return; // another poller took it
          const polled = await pollClaimed(feed, claimed, FEED_POLLER_ACTOR);
          if (!polled) return;
          report.polled++;
          if (polled.result.outcome === 'ok' || polled.result.outcome === 'not_modified') report.succeeded++;
          if (polled.feed.state.status === 'disabled') report.disabled++;
          report.candidates += polled.candidates.length;
          report.alerts += polled.result.alerts.length;
        } catch (error) {
          console.error(`storing the poll of feed ${feed.id} failed`, error);
        }
      });
      return report;
    },

    /**
     * Subscribes the feeds `vendor.json` lists (the seed report's `feeds`) that are not subscribed yet.
     * A URL the guard refuses is skipped with the reason, never fatal.
     */
    async subscribeSeedFeeds(list: readonly { vendorId: string; url: string }[]) {
      const subscribed: StoredFeed[] = [];
      const skipped: { vendorId: string; url: string; why: string }[] = [];
      for (const entry of list) {
        const normalized = newFeedState(
          { id: 'seed', vendorId: entry.vendorId, url: entry.url },
          ...(deps.isAllowedUrl ? [deps.isAllowedUrl] : []),
        );
        if (normalized.ok && (await feeds.findByUrl(entry.vendorId, normalized.feed.url))) continue;
        try {
          subscribed.push(
            await subscribe({
              ...entry,
              actor: 'seed',
              reason: 'listed in trust-store/<vendor>/vendor.json',
            }),
          );
        } catch (error) {
          if (error instanceof TrustgateError && error.code === 'FEED_EXISTS') continue;
          if (error instanceof TrustgateError) skipped.push({ ...entry, why: error.detail });
          else throw error;
        }
      }
      return { subscribed, skipped };
    },

    listAdvisories: (filter: { vendorId?: string; feedId?: string; limit?: number }) =>
      advisories.list(filter),

    /**
     * Candidates with the state of the vendor's root of the same certificate or key, if one is on file.
     * Corroboration is checked again against the roots active *now* (a root approved since the poll can
     * corroborate, a root distrusted or retired since no longer does); a change is stored.
     */
    async listCandidates(filter: { vendorId?: string } = {}) {
      const rows = await currentCorroboration(await candidates.list(filter));
      const anchorsOf = new Map<string, Anchor[]>();
      const out: Array<StoredCandidate & { root: { sha256: string; state: Anchor['state'] } | null }> = [];
      for (const row of rows) {
        let anchors = anchorsOf.get(row.vendorId);
        if (!anchors) {
          anchors = await trust.listAnchors(row.vendorId);
          anchorsOf.set(row.vendorId, anchors);
        }
        const d = row.data;
        const root =
          d.kind === 'certificate'
            ? (anchors.find((a) => a.sha256 === d.sha256) ??
              anchors.find((a) => a.spkiSha256 === d.spkiSha256))
            : anchors.find((a) => a.sha256 === d.hex || a.spkiSha256 === d.hex);
        out.push({ ...row, root: root ? { sha256: root.sha256, state: root.state } : null });
      }
      return out;
    },
  };
}

/**
 * The poll step the Node timer and the Workers cron call: the feeds whose `nextPollAt` has passed (at most
 * `maxFeeds`, most overdue first, `concurrency` at a time), each through the pure `pollFeed` with the
 * injected fetch, clock and jitter, and what it returned stored. A fault in one feed does not stop the rest.
 */
export async function pollDueFeeds(deps: FeedPollingDeps): Promise<FeedPollingReport> {
  return createFeedService(deps).pollDue();
}
