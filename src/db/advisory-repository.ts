import { and, desc, eq, inArray } from 'drizzle-orm';
import type { AdvisoryItemData, AdvisoryRepository, ItemSnapshot, StoredAdvisory } from '../advisories';
import type { Database } from './database';
import { advisoryItems } from './schema';

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
