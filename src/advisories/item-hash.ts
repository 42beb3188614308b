import { sha256Hex } from '../encoding';
import type { Extraction } from './extract';
import type { FeedItem } from './feed-item';

/** What is remembered of an item between polls (per guid). */
export interface ItemSnapshot {
  contentHash: string;
  /**
   * What the item announced, sorted: `sha256:<hex>`, `sha1:<hex>` (fingerprints in the text),
   * `pem:<sha256 of the DER>` (inline certificates) and `link:<url>` (certificate files).
   */
  announced: string[];
  /**
   * A linked certificate file of this item could not be fetched last time: the next poll processes the item
   * again even if it is unchanged, so that a transient failure does not lose a candidate.
   */
  incomplete?: boolean;
}

export interface ItemDiff {
  change: 'new' | 'edited' | 'unchanged';
  /** An edit that added or removed a fingerprint, certificate or certificate link: flag it loudly. */
  fingerprintsChanged: boolean;
  added: string[];
  removed: string[];
}

const encoder = new TextEncoder();
const canonicalText = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * SHA-256 (hex) over what an item says: title, link, text content, links and enclosures (sorted), with
 * whitespace collapsed. The guid is the key, not part of the hash; the date is left out so that feeds that
 * re-stamp every item on each build do not look edited.
 */
export function itemContentHash(item: FeedItem, subtle: SubtleCrypto): Promise<string> {
  const canonical = JSON.stringify([
    'trustgate-item-v1',
    canonicalText(item.title),
    item.link ?? '',
    canonicalText(item.content),
    [...item.links].sort(),
    item.enclosures.map((e) => e.url).sort(),
  ]);
  return sha256Hex(subtle, encoder.encode(canonical));
}

export async function announcedKeys(extraction: Extraction, subtle: SubtleCrypto): Promise<string[]> {
  const keys = new Set<string>();
  for (const f of extraction.fingerprints) keys.add(`${f.algorithm}:${f.hex}`);
  for (const p of extraction.pems) keys.add(`pem:${await sha256Hex(subtle, p.der)}`);
  for (const l of extraction.certificateLinks) keys.add(`link:${l}`);
  return [...keys].sort();
}

export async function itemSnapshot(
  item: FeedItem,
  extraction: Extraction,
  subtle: SubtleCrypto,
): Promise<ItemSnapshot> {
  return {
    contentHash: await itemContentHash(item, subtle),
    announced: await announcedKeys(extraction, subtle),
  };
}

/** Compares an item with what was stored for its guid (undefined/null: never seen). */
export function diffItem(previous: ItemSnapshot | null | undefined, current: ItemSnapshot): ItemDiff {
  if (!previous)
    return { change: 'new', fingerprintsChanged: false, added: [...current.announced], removed: [] };
  const before = new Set(previous.announced);
  const after = new Set(current.announced);
  const added = current.announced.filter((k) => !before.has(k));
  const removed = previous.announced.filter((k) => !after.has(k));
  return {
    change: previous.contentHash === current.contentHash ? 'unchanged' : 'edited',
    fingerprintsChanged: added.length > 0 || removed.length > 0,
    added,
    removed,
  };
}
