import { and, eq } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { base64ToBytes } from '../encoding';
import { auditEntry, importSeed, type SeedReport, type SeedVendor, type TrustRepository } from '../trust';
import type { PathAnchor } from '../verify';

/** `trust-store/` as read by `readTrustStoreDir` at build time, with DER as base64 (scripts/bundle-trust-store.ts). */
export interface BundledTrustStore {
  /** SHA-256 of the bundled content: a database imports each bundle once. */
  sha256: string;
  vendors: Array<{
    id: string;
    vendorJson: string | null;
    certificates: Array<{ file: string; der: string }>;
    /** The `signers/` PEM files' certificates (pinned signers); absent when there are none. */
    signers?: Array<{ file: string; der: string }>;
  }>;
}

/** `readTsaStoreDir`'s result at build time, DER as base64 (anchor ids as it makes them). */
export interface BundledTsaStore {
  global: Array<{ id: string; der: string }>;
  byVendor: Record<string, Array<{ id: string; der: string }>>;
}

/** The TSA anchors a vendor's signatures may be timestamped under: the global ones and its own (as on Node). */
export function tsaAnchorsFromBundle(bundle: BundledTsaStore): (vendorId: string) => PathAnchor[] {
  const decode = (list: BundledTsaStore['global']): PathAnchor[] =>
    list.map(({ id, der }) => {
      const bytes = base64ToBytes(der);
      if (!bytes) throw new Error(`TSA bundle: ${id} is not base64`);
      return { id, der: bytes };
    });
  const global = decode(bundle.global);
  const byVendor = new Map(Object.entries(bundle.byVendor).map(([vendor, list]) => [vendor, decode(list)]));
  return (vendorId) => [...global, ...(byVendor.get(vendorId) ?? [])];
}

/** The audit action that records which trust-store bundle a database has imported (targetId: its SHA-256). */
export const SEED_BUNDLE_ACTION = 'seed.bundle';

/** The bundle as the `SeedVendor[]` that `importSeed` takes: what `readTrustStoreDir` returned at build time. */
export function seedFromBundle(bundle: BundledTrustStore): SeedVendor[] {
  return bundle.vendors.map((vendor) => {
    const decode = ({ file, der }: { file: string; der: string }) => {
      const bytes = base64ToBytes(der);
      if (!bytes) throw new Error(`trust-store bundle: ${vendor.id}/${file} is not base64`);
      return { file, der: bytes };
    };
    return {
      id: vendor.id,
      vendorJson: vendor.vendorJson,
      certificates: vendor.certificates.map(decode),
      ...(vendor.signers && vendor.signers.length > 0 ? { signers: vendor.signers.map(decode) } : {}),
    };
  });
}

/** Whether this database recorded importing `bundle`. */
export async function bundleImported(db: Database, bundle: BundledTrustStore): Promise<boolean> {
  const rows = await db
    .select({ id: schema.auditLog.id })
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, SEED_BUNDLE_ACTION), eq(schema.auditLog.targetId, bundle.sha256)))
    .limit(1);
  return rows.length > 0;
}

export interface SeedFeedsResult {
  subscribed: Array<{ vendorId: string; url: string }>;
  skipped: Array<{ vendorId: string; url: string; why: string }>;
}

export interface BundledSeedReport extends SeedReport {
  /** The vendor.json feeds, subscribed as the Node entry does at start-up (none without `subscribeFeeds`). */
  feedsSubscribed: SeedFeedsResult;
}

/**
 * Imports `bundle` with `importSeed` (the Node entry's rules: new roots active, stored roots never changed,
 * conflicts audited), subscribes the feeds its vendor.json files list (`subscribeFeeds`: the feed service's
 * `subscribeSeedFeeds`, as on Node), and records the bundle; unless this database recorded it already.
 * Returns the report, or null when the bundle was imported before (`force` imports again). An isolate
 * racing another on a fresh database may hit a key the other just wrote: the import is retried once and
 * then finds those rows. Nothing is recorded when a step fails, so the next attempt does it all again.
 */
export async function importBundledSeed(
  db: Database,
  trust: TrustRepository,
  bundle: BundledTrustStore,
  now: Date,
  options: {
    force?: boolean;
    subscribeFeeds?: (feeds: SeedReport['feeds']) => Promise<SeedFeedsResult>;
  } = {},
): Promise<BundledSeedReport | null> {
  if (!options.force && (await bundleImported(db, bundle))) return null;
  const seed = seedFromBundle(bundle);
  let report: SeedReport;
  try {
    report = await importSeed(trust, seed, now);
  } catch {
    report = await importSeed(trust, seed, now);
  }
  const feedsSubscribed = options.subscribeFeeds
    ? await options.subscribeFeeds(report.feeds)
    : { subscribed: [], skipped: [] };
  await trust.appendAudit(
    auditEntry(
      SEED_BUNDLE_ACTION,
      { type: 'seed', id: bundle.sha256, vendorId: null },
      { actor: 'seed', at: now.toISOString(), reason: 'trust-store/ as bundled at build time' },
      {
        after: {
          vendorsCreated: report.vendorsCreated,
          anchorsAdded: report.anchorsAdded.length,
          conflicts: report.conflicts.length,
          distrusted: report.distrusted.length,
          revocationRequired: report.revocationRequired,
          vendorConflicts: report.vendorConflicts.length,
          skipped: report.skipped,
          feedsSubscribed: feedsSubscribed.subscribed.length,
        },
      },
    ),
  );
  return { ...report, feedsSubscribed };
}

export const describeSeedReport = (report: BundledSeedReport) =>
  `${report.vendorsCreated.length} vendors created, ${report.anchorsAdded.length} roots added, ${report.conflicts.length} conflicts kept as stored, ${report.skipped.length} skipped, ${report.feedsSubscribed.subscribed.length} feeds subscribed`;

/** Logs what a report's reader needs to act on: skipped files, conflicts and feeds not subscribed. */
export function logSeedReport(report: BundledSeedReport, log: Pick<Console, 'log' | 'warn'> = console) {
  for (const s of report.skipped) log.warn(`skipped ${s.vendorId}/${s.file}: ${s.why}`);
  for (const c of report.conflicts)
    log.warn(`kept ${c.vendorId}/${c.sha256} as stored (${c.state}); the seed differs (audited)`);
  for (const d of report.distrusted)
    log.warn(
      d.keyCompromise
        ? `distrusted ${d.vendorId}/${d.sha256} for key compromise, as the seed says (audited)`
        : `distrusted ${d.vendorId}/${d.sha256} after ${d.after}, as the seed says (audited)`,
    );
  for (const v of report.revocationRequired)
    log.warn(`${v} now requires revocation information, as the seed says (audited)`);
  for (const v of report.vendorConflicts)
    log.warn(`kept the stored ${v.field} of ${v.vendorId}; its vendor.json differs (audited)`);
  for (const f of report.feedsSubscribed.subscribed)
    log.log(`feed subscribed from vendor.json: ${f.vendorId} ${f.url}`);
  for (const f of report.feedsSubscribed.skipped)
    log.warn(`feed in ${f.vendorId}/vendor.json not subscribed (${f.url}): ${f.why}`);
}
