import { stripFingerprint } from '../encoding';
import {
  type CertificateSummary,
  isParseError,
  type ParsedCertificate,
  parseCertificate,
  summarize,
} from '../verify';
import { anchorState } from './audit-states';
import type { Anchor, AnchorKind } from './model';
import { caRefusal } from './root-proposal';
import { distrustForKeyCompromise, distrustRoot } from './root-transitions';
import type { SeedReport, SeedVendor } from './seed-report';
import { type SeedRun, seedAudit } from './seed-run';
import type { VendorFile } from './seed-vendor-file';
import { readSignerCertificate } from './signer-proposal';

type RootSetting = NonNullable<VendorFile['roots']>[string];

/** What the seed wants for one root: active, or distrusted from a date (for key compromise: from `at`). */
interface WantedRoot {
  state: Anchor['state'];
  distrustAfter: string | null;
  keyCompromise: boolean;
}

/** vendor.json's per-root (or per-signer) settings, keyed by the bare SHA-256 hex of the certificate. */
export function rootSettings(file: VendorFile, kind: AnchorKind = 'root'): Map<string, RootSetting> {
  const settings = kind === 'signer' ? file.signers : file.roots;
  return new Map(Object.entries(settings ?? {}).map(([k, v]) => [stripFingerprint(k), v]));
}

/**
 * The anchor part of a seed folder: each CA certificate becomes a root of the vendor, unless the store
 * already holds it; then only a narrowing distrust is applied and any other difference is a conflict.
 * Returns the SHA-256 of every certificate read, for `reportUnknownSettings`.
 */
export async function importSeedAnchors(
  run: SeedRun,
  entry: SeedVendor,
  settings: Map<string, RootSetting>,
  kind: AnchorKind = 'root',
): Promise<Set<string>> {
  const { repository, at, report } = run;
  const seenFingerprints = new Set<string>();
  const files = kind === 'signer' ? (entry.signers ?? []) : entry.certificates;
  for (const { file: fileName, der } of files) {
    // A root is read as an anchor; a pinned signer as the verifier reads a signer (strictly).
    const certificate =
      kind === 'signer' ? parseCertificate(der) : parseCertificate(der, { trustAnchor: true });
    if (isParseError(certificate)) {
      report.skipped.push({ vendorId: entry.id, file: fileName, why: certificate.error.message });
      continue;
    }
    seenFingerprints.add(certificate.sha256Hex);
    const unusable = kind === 'signer' ? unusableSigner(der) : unusableRoot(certificate);
    if (unusable) {
      report.skipped.push({ vendorId: entry.id, file: fileName, why: unusable });
      continue;
    }
    const summary = summarize(certificate);
    const wanted = wantedRoot(settings.get(summary.sha256), at);
    const existing = await repository.getAnchor(entry.id, summary.sha256);
    if (existing && (existing.kind ?? 'root') !== kind) {
      // One certificate is one anchor of a vendor: the store keeps the kind it has.
      report.skipped.push({
        vendorId: entry.id,
        file: fileName,
        why: `the store holds this certificate as a ${existing.kind ?? 'root'} of ${entry.id}, not as a ${kind}`,
      });
      continue;
    }
    if (existing) await reconcileStoredAnchor(run, existing, wanted);
    else await insertSeedAnchor(run, { fileName, der, summary }, wanted, kind);
  }
  return seenFingerprints;
}

/**
 * A per-root setting that names no certificate of the folder (a typo in a distrust fingerprint, say)
 * would leave that root trusted without a word: report it.
 */
export function reportUnknownSettings(
  vendorId: string,
  settings: Map<string, RootSetting>,
  seenFingerprints: Set<string>,
  report: SeedReport,
  kind: AnchorKind = 'root',
): void {
  for (const fingerprint of settings.keys()) {
    if (!seenFingerprints.has(fingerprint)) {
      report.skipped.push({
        vendorId,
        file: 'vendor.json',
        why: `${kind}s names ${fingerprint}, which is the SHA-256 of no certificate in trust-store/${vendorId}${kind === 'signer' ? '/signers' : ''}`,
      });
    }
  }
}

/** Why a seed certificate cannot be a root: the admin API's rule without the time (see `caRefusal`). */
function unusableRoot(certificate: ParsedCertificate): string | null {
  return caRefusal(certificate)?.detail ?? null;
}

function unusableSigner(der: Uint8Array): string | null {
  const read = readSignerCertificate(der, null);
  return read.ok ? null : read.detail;
}

function wantedRoot(setting: RootSetting | undefined, at: string): WantedRoot {
  const keyCompromise = setting?.keyCompromise === true;
  // A key compromise without a date is known from the import on (the date is informative for it).
  const distrustAfter = setting?.distrustAfter
    ? new Date(setting.distrustAfter).toISOString()
    : keyCompromise
      ? at
      : null;
  return { state: distrustAfter ? 'distrusted' : 'active', distrustAfter, keyCompromise };
}

/**
 * The safe direction needs no second person: a reviewed seed may narrow trust (distrust an active root,
 * distrust it from an earlier date, or for key compromise), never widen it; the same transitions an admin's
 * distrust goes through decide what narrows. The root as narrowed, or null when the seed's wish does not
 * narrow it.
 */
function narrowedDistrust(existing: Anchor, wanted: WantedRoot, at: string): Anchor | null {
  if (wanted.distrustAfter === null) return null;
  const after = new Date(wanted.distrustAfter);
  const transition = wanted.keyCompromise
    ? distrustForKeyCompromise(existing, after, new Date(at))
    : distrustRoot(existing, after, new Date(at));
  return transition.ok ? transition.anchor : null;
}

/** A root the store already holds: narrowed if the seed distrusts it further, else a conflict if it differs. */
async function reconcileStoredAnchor(run: SeedRun, existing: Anchor, wanted: WantedRoot): Promise<void> {
  const { repository, vendorId, at, report } = run;
  const { sha256 } = existing;
  const { keyCompromise } = wanted;
  const updated = narrowedDistrust(existing, wanted, at);
  if (updated) {
    const after = updated.distrustAfter ?? at;
    const written = await repository.updateAnchorAudited(
      updated,
      existing.version,
      seedAudit(
        run,
        'anchor.distrust',
        { type: 'anchor', id: sha256 },
        keyCompromise
          ? `trust-store/${vendorId}/vendor.json distrusts this root for key compromise`
          : `trust-store/${vendorId}/vendor.json distrusts this root after ${after}`,
        { before: anchorState(existing), after: anchorState(updated) },
      ),
    );
    if (written) report.distrusted.push({ vendorId, sha256, after, keyCompromise });
    return;
  }
  const agrees =
    existing.state === wanted.state &&
    existing.keyCompromise === keyCompromise &&
    (keyCompromise || existing.distrustAfter === wanted.distrustAfter);
  if (agrees) return;
  report.conflicts.push({ vendorId, sha256, state: existing.state });
  await repository.appendAudit(
    seedAudit(
      run,
      'seed.conflict',
      { type: 'anchor', id: sha256 },
      `the seed lists this root as ${wanted.state}${keyCompromise ? ' for key compromise' : ''}; the store keeps it ${existing.state}${existing.keyCompromise ? ' for key compromise' : ''}`,
      { before: anchorState(existing), after: anchorState(existing) },
    ),
  );
}

async function insertSeedAnchor(
  run: SeedRun,
  read: { fileName: string; der: Uint8Array; summary: CertificateSummary },
  wanted: WantedRoot,
  kind: AnchorKind,
): Promise<void> {
  const { repository, vendorId, at, report } = run;
  const { summary } = read;
  const anchor: Anchor = {
    kind,
    vendorId,
    sha256: summary.sha256,
    spkiSha256: summary.spkiSha256,
    subject: summary.subject,
    der: read.der,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    state: wanted.state,
    distrustAfter: wanted.distrustAfter,
    keyCompromise: wanted.keyCompromise,
    source: 'seed',
    proposedBy: 'seed',
    approvedBy: 'seed',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await repository.insertAnchorAudited(
    anchor,
    seedAudit(
      run,
      'anchor.import',
      { type: 'anchor', id: anchor.sha256 },
      `imported from trust-store/${vendorId}/${read.fileName}`,
      { after: anchorState(anchor) },
    ),
  );
  report.anchorsAdded.push({ vendorId, sha256: anchor.sha256, state: anchor.state });
}
