import {
  type AdvisoryItemData,
  type AdvisoryRepository,
  type CandidateRepository,
  candidateKey,
  mergeCandidate,
  type PolledItem,
  type PollResult,
  type StoredAdvisory,
  type StoredCandidate,
  type StoredFeed,
  storedCandidateData,
} from '../../advisories';
import type { FeedAuditor } from './audit';

export interface PollResultStores {
  advisories: AdvisoryRepository;
  candidates: CandidateRepository;
  audit: FeedAuditor;
}

/** An item as stored after this poll: what it says now, and its edits so far (this one added). */
function advisoryData(
  feed: StoredFeed,
  polled: PolledItem,
  previous: StoredAdvisory | null,
  at: string,
): AdvisoryItemData {
  const { item, snapshot, diff } = polled;
  const edited = diff.change === 'edited' && previous;
  return {
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
      ...(edited
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
      (previous?.data.fingerprintsChanged ?? false) || (diff.change === 'edited' && diff.fingerprintsChanged),
  };
}

/** New and edited items are written; unchanged ones only marked as seen again. */
async function storeItems(stores: PollResultStores, feed: StoredFeed, result: PollResult, at: string) {
  const unchanged: string[] = [];
  for (const polled of result.items) {
    const { item, snapshot, diff } = polled;
    if (diff.change === 'unchanged' && !polled.processed) {
      unchanged.push(item.guid);
      continue;
    }
    const previous = diff.change === 'new' ? null : await stores.advisories.get(feed.id, item.guid);
    await stores.advisories.put({
      feedId: feed.id,
      guid: item.guid,
      vendorId: feed.vendorId,
      contentHash: snapshot.contentHash,
      data: advisoryData(feed, polled, previous, at),
      firstSeen: previous?.firstSeen ?? at,
      lastSeen: at,
    });
  }
  await stores.advisories.touch(feed.id, unchanged, at);
}

/** An edit that changed what an item announces is logged loudly and audited. */
async function reportAlerts(stores: PollResultStores, feed: StoredFeed, result: PollResult, actor: string) {
  for (const alert of result.alerts) {
    console.warn(
      `ADVISORY EDIT CHANGED FINGERPRINTS: feed ${feed.id} (${feed.vendorId}) item ${alert.itemGuid}: added [${alert.added.join(', ')}] removed [${alert.removed.join(', ')}]`,
    );
    await stores.audit(
      'advisory.fingerprints_changed',
      feed,
      {
        actor,
        reason: `an edit of item ${alert.itemGuid} (${alert.itemLink ?? 'no link'}) changed what it announces`,
      },
      {
        before: { itemGuid: alert.itemGuid, removed: alert.removed },
        after: { itemGuid: alert.itemGuid, added: alert.added },
      },
    );
  }
}

/** Each candidate of the poll merged into the row on file for it (same certificate, or same key). */
async function storeCandidates(
  stores: PollResultStores,
  feed: StoredFeed,
  result: PollResult,
  at: string,
): Promise<StoredCandidate[]> {
  const titles = new Map(result.items.map((i) => [i.item.guid, i.item.title]));
  const titleOf = (guid: string) => titles.get(guid) ?? '';
  const stored: StoredCandidate[] = [];
  for (const candidate of result.candidates) {
    const existing =
      (await stores.candidates.get(feed.vendorId, candidateKey(candidate))) ??
      (candidate.kind === 'certificate'
        ? await stores.candidates.findByKey(feed.vendorId, candidate.spkiSha256)
        : null);
    const merged = mergeCandidate(existing?.data ?? null, storedCandidateData(candidate, feed.url, titleOf));
    const row: StoredCandidate = {
      vendorId: feed.vendorId,
      key: candidateKey(merged),
      data: merged,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    await stores.candidates.put(row, existing?.key);
    stored.push(row);
  }
  return stored;
}

/** Writes what one poll found (items, alerts, candidates); returns the candidates as stored. */
export async function storePollResult(
  stores: PollResultStores,
  feed: StoredFeed,
  result: PollResult,
  actor: string,
): Promise<StoredCandidate[]> {
  const at = result.feedStatus.lastPolledAt;
  await storeItems(stores, feed, result, at);
  await reportAlerts(stores, feed, result, actor);
  return storeCandidates(stores, feed, result, at);
}
