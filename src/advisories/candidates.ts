import type { CertificateInfo } from './certificate';
import { type Corroboration, findCorroboration } from './corroboration';
import type { ExtractedFingerprint, FingerprintAlgorithm } from './fingerprints';

/** Where a candidate came from. */
export interface Provenance {
  feedId: string;
  itemGuid: string;
  itemLink: string | null;
  /** ISO 8601 time of the poll that fetched the item. */
  fetchedAt: string;
  /** `itemContentHash` of the item as fetched. */
  contentHash: string;
}

/** A certificate the feed supplied (inline PEM or linked file); one per key (SPKI). */
export interface CertificateCandidate {
  kind: 'certificate';
  vendorId: string;
  sha256: string;
  spkiSha256: string;
  sha1: string;
  pem: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  selfIssued: boolean;
  /** Other certificates of the same key the feed supplied (e.g. the cross-signed twin). */
  sameKeyCertificates: { sha256: string; subject: string; issuer: string; pem: string }[];
  /** An item's text also gave this certificate's (or its key's) fingerprint. */
  announcedInText: boolean;
  /** An active root of the same vendor cross-signed this key (see `findCorroboration`). Never activation. */
  corroborated: boolean;
  corroboration: Corroboration | null;
  provenance: Provenance;
  otherProvenance: Provenance[];
}

/**
 * A fingerprint given in an item's text without a certificate: a hint for the admin to chase, never proof.
 * A SHA-256 hint may be of the certificate or of its SPKI (`SHA256:<base64>` usually is a key): match both.
 */
export interface FingerprintCandidate {
  kind: 'fingerprint';
  vendorId: string;
  algorithm: FingerprintAlgorithm;
  /** Lower-case hex. */
  hex: string;
  form: ExtractedFingerprint['form'];
  context: string;
  corroborated: false;
  provenance: Provenance;
  otherProvenance: Provenance[];
}

export type Candidate = CertificateCandidate | FingerprintCandidate;

/** What one item gave, after its linked files were fetched and its certificates read. */
export interface ItemEvidence {
  provenance: Provenance;
  fingerprints: readonly ExtractedFingerprint[];
  certificates: readonly CertificateInfo[];
}

/**
 * Turns what the items of one poll announced into candidate roots of `vendorId`:
 * - certificates are grouped by key (SPKI SHA-256), one candidate per key, de-duplicated on certificate
 *   SHA-256; the self-issued certificate of a key is preferred as the candidate's own;
 * - a certificate identical to an active root (same SHA-256) is not a candidate;
 * - a fingerprint equal to a supplied certificate's SHA-256, SHA-1 or SPKI SHA-256 (or an active root's)
 *   adds nothing and is folded into that certificate (`announcedInText`);
 * - every certificate candidate is checked for corroboration against `activeRoots` using every
 *   certificate the poll supplied.
 */
export async function deriveCandidates(
  vendorId: string,
  evidence: readonly ItemEvidence[],
  activeRoots: readonly CertificateInfo[],
  subtle: SubtleCrypto,
): Promise<Candidate[]> {
  const activeSha256 = new Set(activeRoots.map((r) => r.sha256));
  const activeKnown = new Set(activeRoots.flatMap((r) => [r.sha256, r.sha1, r.spkiSha256]));

  // every distinct certificate supplied, with the provenances that supplied it
  const certs = new Map<string, { cert: CertificateInfo; provenances: Provenance[] }>();
  for (const e of evidence) {
    for (const cert of e.certificates) {
      const entry = certs.get(cert.sha256);
      if (entry) {
        if (!entry.provenances.some((p) => p.itemGuid === e.provenance.itemGuid))
          entry.provenances.push(e.provenance);
      } else {
        certs.set(cert.sha256, { cert, provenances: [e.provenance] });
      }
    }
  }
  const supplied = [...certs.values()].map((c) => c.cert);

  const textFingerprints = new Set(evidence.flatMap((e) => e.fingerprints.map((f) => f.hex)));
  const byKey = new Map<string, { cert: CertificateInfo; provenances: Provenance[] }[]>();
  for (const entry of certs.values()) {
    if (activeSha256.has(entry.cert.sha256)) continue;
    const group = byKey.get(entry.cert.spkiSha256) ?? [];
    group.push(entry);
    byKey.set(entry.cert.spkiSha256, group);
  }

  const candidates: Candidate[] = [];
  for (const group of byKey.values()) {
    const primary = group.find((g) => g.cert.selfIssued) ?? group[0];
    if (!primary) continue;
    const { cert } = primary;
    const provenances = group
      .flatMap((g) => g.provenances)
      .filter((p, i, all) => all.findIndex((o) => o.itemGuid === p.itemGuid) === i);
    const [provenance, ...otherProvenance] = provenances;
    if (!provenance) continue;
    const corroboration = await findCorroboration(cert, activeRoots, subtle, supplied);
    candidates.push({
      kind: 'certificate',
      vendorId,
      sha256: cert.sha256,
      spkiSha256: cert.spkiSha256,
      sha1: cert.sha1,
      pem: cert.pem,
      subject: cert.subject,
      issuer: cert.issuer,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      selfIssued: cert.selfIssued,
      sameKeyCertificates: group
        .filter((g) => g !== primary)
        .map((g) => ({
          sha256: g.cert.sha256,
          subject: g.cert.subject,
          issuer: g.cert.issuer,
          pem: g.cert.pem,
        })),
      announcedInText: group.some(
        (g) =>
          textFingerprints.has(g.cert.sha256) ||
          textFingerprints.has(g.cert.sha1) ||
          textFingerprints.has(g.cert.spkiSha256),
      ),
      corroborated: corroboration !== null,
      corroboration,
      provenance,
      otherProvenance,
    });
  }

  const suppliedKnown = new Set(supplied.flatMap((c) => [c.sha256, c.sha1, c.spkiSha256]));
  const hints = new Map<string, FingerprintCandidate>();
  for (const e of evidence) {
    for (const f of e.fingerprints) {
      if (suppliedKnown.has(f.hex) || activeKnown.has(f.hex)) continue;
      const existing = hints.get(f.hex);
      if (existing) {
        if (
          existing.provenance.itemGuid !== e.provenance.itemGuid &&
          !existing.otherProvenance.some((p) => p.itemGuid === e.provenance.itemGuid)
        ) {
          existing.otherProvenance.push(e.provenance);
        }
        continue;
      }
      hints.set(f.hex, {
        kind: 'fingerprint',
        vendorId,
        algorithm: f.algorithm,
        hex: f.hex,
        form: f.form,
        context: f.context,
        corroborated: false,
        provenance: e.provenance,
        otherProvenance: [],
      });
    }
  }
  candidates.push(...hints.values());
  return candidates;
}
