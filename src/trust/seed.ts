import { z } from 'zod';
import { stripFingerprint } from '../encoding';
import { isParseError, parseCertificate, summarize } from '../verify';
import { auditEntry } from './audit-entry';
import { type Anchor, type Contact, isVendorId, REVOCATION_POLICIES, type Vendor } from './model';
import type { TrustRepository } from './ports';
import { anchorDefect } from './root-proposal';

/** `trust-store/<vendor>/vendor.json`: every field optional; unknown fields are refused to catch typos. */
export const vendorFileSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    contacts: z
      .array(
        z.object({
          name: z.string().min(1).max(200),
          channel: z.string().min(1).max(50),
          value: z.string().min(1).max(500),
        }),
      )
      .max(50)
      .optional(),
    feeds: z.array(z.string().url()).max(50).optional(),
    identityRules: z.array(z.unknown()).max(50).optional(),
    /** What missing revocation information does (default best-effort); see trust/model.ts. */
    revocationPolicy: z.enum(REVOCATION_POLICIES).optional(),
    /**
     * Per-root settings keyed by the root's SHA-256 (hex, colons allowed): `distrustAfter` limits the root
     * to signatures made before it; `keyCompromise: true` distrusts every signature under it.
     */
    roots: z
      .record(
        z.string(),
        z
          .object({
            distrustAfter: z.string().datetime({ offset: true }).optional(),
            keyCompromise: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type VendorFile = z.infer<typeof vendorFileSchema>;

export interface SeedVendor {
  id: string;
  /** The raw text of vendor.json, or null when the folder has none. */
  vendorJson: string | null;
  /** Certificates found in the folder's PEM files, with the file each came from. */
  certificates: Array<{ file: string; der: Uint8Array }>;
}

export interface SeedReport {
  vendorsCreated: string[];
  anchorsAdded: Array<{ vendorId: string; sha256: string; state: Anchor['state'] }>;
  /** Seed roots that the database holds in another state: left as they are and audited. */
  conflicts: Array<{ vendorId: string; sha256: string; state: Anchor['state'] }>;
  skipped: Array<{ vendorId: string; file: string; why: string }>;
  /** Vendor fields that vendor.json sets differently from the store (the store keeps its own). */
  vendorConflicts: Array<{
    vendorId: string;
    field: 'name' | 'contacts' | 'identityRules' | 'revocationPolicy';
  }>;
  /**
   * Stored roots the seed distrusted (or distrusted from an earlier date, or for key compromise): the safe
   * direction is applied.
   */
  distrusted: Array<{ vendorId: string; sha256: string; after: string; keyCompromise: boolean }>;
  /** Stored vendors the seed moved from best-effort to `require` (the safe direction). */
  revocationRequired: string[];
  feeds: Array<{ vendorId: string; url: string }>;
}

const seedAnchorState = (anchor: Anchor) => ({
  state: anchor.state,
  distrustAfter: anchor.distrustAfter,
  keyCompromise: anchor.keyCompromise,
});

export class SeedError extends Error {}

export function parseVendorFile(vendorId: string, text: string): VendorFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`trust-store/${vendorId}/vendor.json is not JSON: ${(error as Error).message}`);
  }
  const parsed = vendorFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new SeedError(
      `trust-store/${vendorId}/vendor.json is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/**
 * Imports the reviewed seed: new vendors and roots become active (a distrustAfter in vendor.json makes a
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
    const stored = await repository.getVendor(entry.id);
    if (stored) {
      // The store is authoritative once a vendor exists (admins edit it through the API); a reviewed
      // vendor.json that now says otherwise is reported, never silently ignored.
      const differs = (
        [
          ['name', file.name, stored.name],
          ['contacts', file.contacts, stored.contacts],
          ['identityRules', file.identityRules, stored.identityRules],
        ] as const
      ).filter(([, wanted, have]) => wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(have));
      // The revocation policy is applied in the safe direction only (best-effort -> require).
      const policy = file.revocationPolicy;
      if (policy === 'require' && stored.revocationPolicy !== 'require') {
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
            { type: 'vendor', id: entry.id, vendorId: entry.id },
            {
              actor: 'seed',
              at: at,
              reason: `trust-store/${entry.id}/vendor.json requires revocation information`,
            },
            {
              before: { revocationPolicy: stored.revocationPolicy },
              after: { revocationPolicy: updated.revocationPolicy },
            },
          ),
        );
        if (written) report.revocationRequired.push(entry.id);
      }
      const widening = policy === 'best-effort' && stored.revocationPolicy !== 'best-effort';
      for (const field of [
        ...differs.map(([f]) => f),
        ...(widening ? (['revocationPolicy'] as const) : []),
      ]) {
        report.vendorConflicts.push({ vendorId: entry.id, field });
        await repository.appendAudit(
          auditEntry(
            'seed.conflict',
            { type: 'vendor', id: entry.id, vendorId: entry.id },
            {
              actor: 'seed',
              at: at,
              reason: `vendor.json sets ${field} differently from the store, which keeps its own (change it through PATCH /vendors/${entry.id})`,
            },
          ),
        );
      }
    }
    if (!stored) {
      const vendor: Vendor = {
        id: entry.id,
        name: file.name ?? entry.id,
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
          { type: 'vendor', id: entry.id, vendorId: entry.id },
          { actor: 'seed', at: at, reason: 'imported from the trust-store seed' },
          { after: vendor },
        ),
      );
      report.vendorsCreated.push(entry.id);
    }
    const settings = new Map(Object.entries(file.roots ?? {}).map(([k, v]) => [stripFingerprint(k), v]));
    const seenFingerprints = new Set<string>();
    for (const { file: fileName, der } of entry.certificates) {
      const certificate = parseCertificate(der, { trustAnchor: true });
      if (!isParseError(certificate)) seenFingerprints.add(certificate.sha256Hex);
      if (isParseError(certificate)) {
        report.skipped.push({ vendorId: entry.id, file: fileName, why: certificate.error.message });
        continue;
      }
      if (!certificate.extensions.basicConstraints?.cA) {
        report.skipped.push({
          vendorId: entry.id,
          file: fileName,
          why: `${certificate.subject} is not a CA certificate`,
        });
        continue;
      }
      const defect = anchorDefect(certificate);
      if (defect) {
        report.skipped.push({ vendorId: entry.id, file: fileName, why: `${certificate.subject}: ${defect}` });
        continue;
      }
      const summary = summarize(certificate);
      const setting = settings.get(summary.sha256);
      const keyCompromise = setting?.keyCompromise === true;
      // A key compromise without a date is known from the import on (the date is informative for it).
      const distrustAfter = setting?.distrustAfter
        ? new Date(setting.distrustAfter).toISOString()
        : keyCompromise
          ? at
          : null;
      const wanted: Anchor['state'] = distrustAfter ? 'distrusted' : 'active';
      const existing = await repository.getAnchor(entry.id, summary.sha256);
      if (existing) {
        const distrusting = existing.state === 'active' || existing.state === 'distrusted';
        // The safe direction needs no second person: a reviewed seed may narrow trust (distrust an active
        // root, distrust it from an earlier date, or for key compromise), never widen it. Nothing turns a
        // key-compromise distrust back into a date-limited one.
        const narrows =
          distrustAfter !== null &&
          !existing.keyCompromise &&
          distrusting &&
          (keyCompromise ||
            existing.state === 'active' ||
            existing.distrustAfter === null ||
            distrustAfter < existing.distrustAfter);
        if (narrows) {
          const after =
            existing.state === 'distrusted' &&
            existing.distrustAfter &&
            existing.distrustAfter < distrustAfter
              ? existing.distrustAfter
              : distrustAfter;
          const updated: Anchor = {
            ...existing,
            state: 'distrusted',
            distrustAfter: after,
            keyCompromise,
            version: existing.version + 1,
            updatedAt: at,
          };
          const written = await repository.updateAnchorAudited(
            updated,
            existing.version,
            auditEntry(
              'anchor.distrust',
              { type: 'anchor', id: summary.sha256, vendorId: entry.id },
              {
                actor: 'seed',
                at: at,
                reason: keyCompromise
                  ? `trust-store/${entry.id}/vendor.json distrusts this root for key compromise`
                  : `trust-store/${entry.id}/vendor.json distrusts this root after ${after}`,
              },
              { before: seedAnchorState(existing), after: seedAnchorState(updated) },
            ),
          );
          if (written)
            report.distrusted.push({ vendorId: entry.id, sha256: summary.sha256, after, keyCompromise });
          continue;
        }
        const agrees =
          existing.state === wanted &&
          existing.keyCompromise === keyCompromise &&
          (keyCompromise || existing.distrustAfter === distrustAfter);
        if (!agrees) {
          report.conflicts.push({ vendorId: entry.id, sha256: summary.sha256, state: existing.state });
          await repository.appendAudit(
            auditEntry(
              'seed.conflict',
              { type: 'anchor', id: summary.sha256, vendorId: entry.id },
              {
                actor: 'seed',
                at: at,
                reason: `the seed lists this root as ${wanted}${keyCompromise ? ' for key compromise' : ''}; the store keeps it ${existing.state}${existing.keyCompromise ? ' for key compromise' : ''}`,
              },
              { before: seedAnchorState(existing), after: seedAnchorState(existing) },
            ),
          );
        }
        continue;
      }
      const anchor: Anchor = {
        vendorId: entry.id,
        sha256: summary.sha256,
        spkiSha256: summary.spkiSha256,
        subject: summary.subject,
        der,
        notBefore: summary.notBefore,
        notAfter: summary.notAfter,
        state: wanted,
        distrustAfter,
        keyCompromise,
        source: 'seed',
        proposedBy: 'seed',
        approvedBy: 'seed',
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await repository.insertAnchor(anchor);
      await repository.appendAudit(
        auditEntry(
          'anchor.import',
          { type: 'anchor', id: anchor.sha256, vendorId: entry.id },
          { actor: 'seed', at: at, reason: `imported from trust-store/${entry.id}/${fileName}` },
          { after: seedAnchorState(anchor) },
        ),
      );
      report.anchorsAdded.push({ vendorId: entry.id, sha256: anchor.sha256, state: anchor.state });
    }
    // A per-root setting that names no certificate of the folder (a typo in a distrust fingerprint, say)
    // would leave that root trusted without a word: report it.
    for (const fingerprint of settings.keys()) {
      if (!seenFingerprints.has(fingerprint)) {
        report.skipped.push({
          vendorId: entry.id,
          file: 'vendor.json',
          why: `roots names ${fingerprint}, which is the SHA-256 of no certificate in trust-store/${entry.id}`,
        });
      }
    }
  }

  return report;
}
