import { isVendorId } from './model';
import type { TrustRepository } from './ports';
import { importSeedAnchors, reportUnknownSettings, rootSettings } from './seed-anchors';
import type { SeedReport, SeedVendor } from './seed-report';
import { importSeedVendor } from './seed-vendor';
import { parseVendorFile } from './seed-vendor-file';

export type { SeedReport, SeedVendor } from './seed-report';
export { parseVendorFile, SeedError, type VendorFile, vendorFileSchema } from './seed-vendor-file';

/**
 * Imports the reviewed seed: new vendors, roots and pinned signers (`signers/*.pem`) become active (a distrustAfter in vendor.json makes a
 * root distrusted from that date, keyCompromise distrusts it for every signature; revocationPolicy sets a
 * new vendor's policy). What the database already holds only moves in the safe direction (a root
 * distrusted, from an earlier date, or for key compromise; a vendor's policy to `require`): in particular
 * a root an admin distrusted or retired is not re-activated; the conflict goes to the audit log.
 */
export async function importSeed(
  repository: TrustRepository,
  seed: SeedVendor[],
  now: Date,
): Promise<SeedReport> {
  const report: SeedReport = {
    vendorsCreated: [],
    anchorsAdded: [],
    conflicts: [],
    skipped: [],
    feeds: [],
    distrusted: [],
    vendorConflicts: [],
    revocationRequired: [],
  };
  const at = now.toISOString();
  for (const entry of seed) {
    if (!isVendorId(entry.id)) {
      report.skipped.push({ vendorId: entry.id, file: '', why: 'folder name is not a valid vendor id' });
      continue;
    }
    const file = entry.vendorJson === null ? {} : parseVendorFile(entry.id, entry.vendorJson);
    for (const url of file.feeds ?? []) report.feeds.push({ vendorId: entry.id, url });
    const run = { repository, vendorId: entry.id, at, report };
    await importSeedVendor(run, file);
    const settings = rootSettings(file);
    const seenFingerprints = await importSeedAnchors(run, entry, settings);
    reportUnknownSettings(entry.id, settings, seenFingerprints, report);
    const signerSettings = rootSettings(file, 'signer');
    const seenSigners = await importSeedAnchors(run, entry, signerSettings, 'signer');
    reportUnknownSettings(entry.id, signerSettings, seenSigners, report, 'signer');
  }
  return report;
}
