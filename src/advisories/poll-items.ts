import { type Extraction, extractFromItem } from './extract';
import type { FeedItem } from './feed-item';
import { diffItem, type ItemDiff, type ItemSnapshot, itemSnapshot } from './item-hash';

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

/** An item to process, with what was extracted from it (DER bytes included). */
export interface ItemWork {
  polled: PolledItem;
  extraction: Extraction;
}

/**
 * Extracts what each item announces and diffs it against the snapshot stored last time. Returns every
 * item, and the ones to process: new and edited items first, so retries of earlier failures do not use
 * up the per-poll budgets.
 */
export async function diffItems(
  feedItems: readonly FeedItem[],
  previous: ReadonlyMap<string, ItemSnapshot>,
  maxCertificatesPerFile: number,
  subtle: SubtleCrypto,
): Promise<{ items: PolledItem[]; work: ItemWork[] }> {
  const items: PolledItem[] = [];
  const work: ItemWork[] = [];
  const seenGuids = new Set<string>();
  for (const item of feedItems) {
    if (seenGuids.has(item.guid)) continue; // a guid listed twice: the first one counts
    seenGuids.add(item.guid);
    const extraction = extractFromItem(item, maxCertificatesPerFile);
    const snapshot = await itemSnapshot(item, extraction, subtle);
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
  work.sort(
    (a, b) => Number(a.polled.diff.change === 'unchanged') - Number(b.polled.diff.change === 'unchanged'),
  );
  return { items, work };
}

/** The alerts of the processed items whose edit changed the fingerprints they announce. */
export function fingerprintAlerts(feedId: string, work: readonly ItemWork[]): FingerprintChangeAlert[] {
  const alerts: FingerprintChangeAlert[] = [];
  for (const { polled } of work) {
    const { item, diff } = polled;
    if (diff.change === 'edited' && diff.fingerprintsChanged) {
      alerts.push({
        feedId,
        itemGuid: item.guid,
        itemLink: item.link,
        added: diff.added,
        removed: diff.removed,
      });
    }
  }
  return alerts;
}
