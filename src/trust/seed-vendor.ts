import type { Contact, Vendor } from './model';
import { type SeedRun, seedAudit } from './seed-run';
import type { VendorFile } from './seed-vendor-file';

/**
 * The vendor part of a seed folder: a new vendor is created from vendor.json; a stored one keeps its own
 * fields (admins edit it through the API) except that its revocation policy may move to `require` (the
 * safe direction), and every field vendor.json sets differently is reported and audited as a conflict.
 */
export async function importSeedVendor(run: SeedRun, file: VendorFile): Promise<void> {
  const { repository, vendorId, at, report } = run;
  const stored = await repository.getVendor(vendorId);
  if (stored) {
    await requireRevocationIfAsked(run, stored, file);
    await reportVendorConflicts(run, stored, file);
    return;
  }
  const vendor: Vendor = {
    id: vendorId,
    name: file.name ?? vendorId,
    contacts: (file.contacts ?? []) as Contact[],
    identityRules: file.identityRules ?? [],
    revocationPolicy: file.revocationPolicy ?? 'best-effort',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await repository.insertVendorAudited(
    vendor,
    seedAudit(run, 'vendor.create', { type: 'vendor', id: vendorId }, 'imported from the trust-store seed', {
      after: vendor,
    }),
  );
  report.vendorsCreated.push(vendorId);
}

/** The revocation policy is applied in the safe direction only (best-effort -> require). */
async function requireRevocationIfAsked(run: SeedRun, stored: Vendor, file: VendorFile): Promise<void> {
  const { repository, vendorId, at } = run;
  if (file.revocationPolicy !== 'require' || stored.revocationPolicy === 'require') return;
  const updated: Vendor = {
    ...stored,
    revocationPolicy: 'require',
    version: stored.version + 1,
    updatedAt: at,
  };
  const written = await repository.updateVendorAudited(
    updated,
    stored.version,
    seedAudit(
      run,
      'vendor.revocation_policy',
      { type: 'vendor', id: vendorId },
      `trust-store/${vendorId}/vendor.json requires revocation information`,
      {
        before: { revocationPolicy: stored.revocationPolicy },
        after: { revocationPolicy: updated.revocationPolicy },
      },
    ),
  );
  if (written) run.report.revocationRequired.push(vendorId);
}

/**
 * The store is authoritative once a vendor exists; a reviewed vendor.json that now says otherwise (or
 * widens the revocation policy back to best-effort) is reported, never silently ignored.
 */
async function reportVendorConflicts(run: SeedRun, stored: Vendor, file: VendorFile): Promise<void> {
  const { repository, vendorId, report } = run;
  const differs = (
    [
      ['name', file.name, stored.name],
      ['contacts', file.contacts, stored.contacts],
      ['identityRules', file.identityRules, stored.identityRules],
    ] as const
  ).filter(([, wanted, have]) => wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(have));
  const widening = file.revocationPolicy === 'best-effort' && stored.revocationPolicy !== 'best-effort';
  for (const field of [...differs.map(([f]) => f), ...(widening ? (['revocationPolicy'] as const) : [])]) {
    report.vendorConflicts.push({ vendorId, field });
    await repository.appendAudit(
      seedAudit(
        run,
        'seed.conflict',
        { type: 'vendor', id: vendorId },
        `vendor.json sets ${field} differently from the store, which keeps its own (change it through PATCH /vendors/${vendorId})`,
      ),
    );
  }
}
