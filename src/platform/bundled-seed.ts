import { and, eq } from 'drizzle-orm';
import { type Database, schema } from '../db';
import { importSeed, type SeedReport, type SeedVendor, type TrustRepository } from '../trust';
import { base64ToBytes } from '../verify';

/** `trust-store/` as read by `readTrustStoreDir` at build time, with DER as base64 (scripts/bundle-trust-store.ts). */
export interface BundledTrustStore {
  /** SHA-256 of the bundled content: a database imports each bundle once. */
  sha256: string;
  vendors: Array<{
    id: string;
    vendorJson: string | null;
    certificates: Array<{ file: string; der: string }>;
  }>;
}

/** The audit action that records which trust-store bundle a database has imported (targetId: its SHA-256). */
export const SEED_BUNDLE_ACTION = 'seed.bundle';

/** The bundle as the `SeedVendor[]` that `importSeed` takes: what `readTrustStoreDir` returned at build time. */
export function seedFromBundle(bundle: BundledTrustStore): SeedVendor[] {
  return bundle.vendors.map((vendor) => ({
    id: vendor.id,
    vendorJson: vendor.vendorJson,
    certificates: vendor.certificates.map(({ file, der }) => {
      const bytes = base64ToBytes(der);
      if (!bytes) throw new Error(`trust-store bundle: ${vendor.id}/${file} is not base64`);
      return { file, der: bytes };
    }),
  }));
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

/**
 * Imports `bundle` with `importSeed` (the Node entry's rules: new roots active, stored roots never changed,
 * conflicts audited) unless this database already recorded it, and records it. Returns the report, or null
 * when the bundle was imported before (`force` imports again). An isolate racing another on a fresh
 * database may hit a key the other just wrote: the import is retried once and then finds those rows.
 */
export async function importBundledSeed(
  db: Database,
  trust: TrustRepository,
  bundle: BundledTrustStore,
  now: Date,
  options: { force?: boolean } = {},
): Promise<SeedReport | null> {
  if (!options.force && (await bundleImported(db, bundle))) return null;
  const seed = seedFromBundle(bundle);
  let report: SeedReport;
  try {
    report = await importSeed(trust, seed, now);
  } catch {
    report = await importSeed(trust, seed, now);
  }
  await trust.appendAudit({
    at: now.toISOString(),
    actor: 'seed',
    action: SEED_BUNDLE_ACTION,
    targetType: 'seed',
    targetId: bundle.sha256,
    vendorId: null,
    reason: 'trust-store/ as bundled at build time',
    before: null,
    after: {
      vendorsCreated: report.vendorsCreated,
      anchorsAdded: report.anchorsAdded.length,
      conflicts: report.conflicts.length,
      skipped: report.skipped,
    },
  });
  return report;
}

export const describeSeedReport = (report: SeedReport) =>
  `${report.vendorsCreated.length} vendors created, ${report.anchorsAdded.length} roots added, ${report.conflicts.length} conflicts kept as stored, ${report.skipped.length} skipped`;
