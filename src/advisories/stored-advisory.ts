import type { ExtractedFingerprint } from './fingerprints';
import type { ItemSnapshot } from './item-hash';

/** An edit of an item already seen (its content hash changed). */
export interface AdvisoryEdit {
  at: string;
  previousContentHash: string;
  contentHash: string;
  /** The edit added or removed a fingerprint, certificate or certificate link: flagged loudly. */
  fingerprintsChanged: boolean;
  added: string[];
  removed: string[];
}

/** The `advisory_items.data` JSON: what the item said and what was extracted from it. */
export interface AdvisoryItemData {
  feedUrl: string;
  title: string;
  link: string | null;
  published: string | null;
  /** `ItemSnapshot.announced` (sorted keys) and `incomplete`: what `pollFeed` compares with next time. */
  announced: string[];
  incomplete: boolean;
  extracted: {
    fingerprints: ExtractedFingerprint[];
    /** Inline PEM certificates found in the item's text. */
    pems: number;
    certificateLinks: string[];
    certificates: { sha256: string; spkiSha256: string; subject: string; issuer: string }[];
    certificateErrors: string[];
  };
  edits: AdvisoryEdit[];
  /** True once any edit changed what the item announces. */
  fingerprintsChanged: boolean;
}

export interface StoredAdvisory {
  feedId: string;
  guid: string;
  vendorId: string;
  contentHash: string;
  data: AdvisoryItemData;
  firstSeen: string;
  lastSeen: string;
}

/** The advisory item store's port: db/ implements it. */
export interface AdvisoryRepository {
  /** What `pollFeed`'s `previousItems` port needs, by guid. */
  snapshots(feedId: string): Promise<Map<string, ItemSnapshot>>;
  get(feedId: string, guid: string): Promise<StoredAdvisory | null>;
  /** Inserts or replaces one item. */
  put(item: StoredAdvisory): Promise<void>;
  /** Marks items as seen again without other change. */
  touch(feedId: string, guids: string[], at: string): Promise<void>;
  list(filter: { vendorId?: string; feedId?: string; limit?: number }): Promise<StoredAdvisory[]>;
  deleteFeed(feedId: string): Promise<void>;
}
