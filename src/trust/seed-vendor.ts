import { auditEntry } from './audit-entry';
import type { Contact, Vendor } from './model';
import type { TrustRepository } from './ports';
import type { SeedReport } from './seed-report';
import type { VendorFile } from './seed-vendor-file';

/**
 * The vendor part of a seed folder: a new vendor is created from vendor.json; a stored one keeps its own
 * fields (admins edit it through the API) except that its revocation policy may move to `require` (the
 * safe direction), and every field vendor.json sets differently is reported and audited as a conflict.
 */
export async function importSeedVendor(
  repository: TrustRepository,
  vendorId: string,
  file: VendorFile,
  at: string,
  report: SeedReport,
): Promise<void> {
  const stored = await repository.getVendor(vendorId);
  if (stored) {
    await requireRevocationIfAsked(repository, vendorId, stored, file, at, report);
    await reportVendorConflicts(repository, vendorId, stored, file, at, report);
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
  await repository.insertVendor(vendor);
  await repository.appendAudit(
    auditEntry(
      'vendor.create',
      { type: 'vendor', id: vendorId, vendorId },
      { actor: 'seed', at, reason: 'imported from the trust-store seed' },
      { after: vendor },
    ),
  );
  report.vendorsCreated.push(vendorId);
}

/** The revocation policy is applied in the safe direction only (best-effort -> require). */
async function requireRevocationIfAsked(
  repository: TrustRepository,
  vendorId: string,
  stored: Vendor,
  file: VendorFile,
  at: string,
  report: SeedReport,
): Promise<void> {
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
    auditEntry(
      'vendor.revocation_policy',
      { type: 'vendor', id: vendorId, vendorId },
      {
        actor: 'seed',
        at,
        reason: `trust-store/${vendorId}/vendor.json requires revocation information`,
      },
      {
        before: { revocationPolicy: stored.revocationPolicy },
        after: { revocationPolicy: updated.revocationPolicy },
      },
    ),
  );
  if (written) report.revocationRequired.push(vendorId);
}

/**
 * The store is authoritative once a vendor exists; a reviewed vendor.json that now says otherwise (or
 * widens the revocation policy back to best-effort) is reported, never silently ignored.
 */
async function reportVendorConflicts(
  repository: TrustRepository,
  vendorId: string,
  stored: Vendor,
  file: VendorFile,
  at: string,
  report: SeedReport,
): Promise<void> {
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
      auditEntry(
        'seed.conflict',
        { type: 'vendor', id: vendorId, vendorId },
        {
          actor: 'seed',
          at,
          reason: `vendor.json sets ${field} differently from the store, which keeps its own (change it through PATCH /vendors/${vendorId})`,
        },
      ),
    );
  }
}
