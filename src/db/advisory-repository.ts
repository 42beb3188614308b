import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ExtractedFingerprint, ItemSnapshot } from '../advisories';
import type { Database } from './database';
import { advisoryItems } from './schema';

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

type Row = typeof advisoryItems.$inferSelect;

const toAdvisory = (row: Row): StoredAdvisory => ({
  ...row,
  data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as AdvisoryItemData,
});

/** D1 binds at most 100 parameters per statement: stay well below it. */
const CHUNK = 50;

export function createAdvisoryRepository(db: Database): AdvisoryRepository {
  return {
    async snapshots(feedId) {
      const rows = await db
        .select({
          guid: advisoryItems.guid,
          contentHash: advisoryItems.contentHash,
          data: advisoryItems.data,
        })
        .from(advisoryItems)
        .where(eq(advisoryItems.feedId, feedId));
      const out = new Map<string, ItemSnapshot>();
      for (const row of rows) {
        const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as AdvisoryItemData;
        out.set(row.guid, {
          contentHash: row.contentHash,
          announced: data.announced ?? [],
          ...(data.incomplete ? { incomplete: true } : {}),
        });
      }
      return out;
    },
    async get(feedId, guid) {
      const rows = await db
        .select()
        .from(advisoryItems)
        .where(and(eq(advisoryItems.feedId, feedId), eq(advisoryItems.guid, guid)))
        .limit(1);
      return rows[0] ? toAdvisory(rows[0]) : null;
    },
    async put(item) {
      await db
        .insert(advisoryItems)
        .values(item)
        .onConflictDoUpdate({
          target: [advisoryItems.feedId, advisoryItems.guid],
          set: { contentHash: item.contentHash, data: item.data, lastSeen: item.lastSeen },
        });
    },
    async touch(feedId, guids, at) {
      for (let i = 0; i < guids.length; i += CHUNK) {
        await db
          .update(advisoryItems)
          .set({ lastSeen: at })
          .where(
            and(eq(advisoryItems.feedId, feedId), inArray(advisoryItems.guid, guids.slice(i, i + CHUNK))),
          );
      }
    },
    async list(filter) {
      const conditions = [];
      if (filter.vendorId) conditions.push(eq(advisoryItems.vendorId, filter.vendorId));
      if (filter.feedId) conditions.push(eq(advisoryItems.feedId, filter.feedId));
      const rows = await db
        .select()
        .from(advisoryItems)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(advisoryItems.vendorId, desc(advisoryItems.firstSeen), advisoryItems.guid)
        .limit(Math.min(filter.limit ?? 200, 1000));
      return rows.map(toAdvisory);
    },
    async deleteFeed(feedId) {
      await db.delete(advisoryItems).where(eq(advisoryItems.feedId, feedId));
    },
  };
}
