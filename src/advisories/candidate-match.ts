import type { Candidate } from './candidates';

/** Fingerprints of a certificate met elsewhere (e.g. the unknown root of a `/verify` chain), lower-case hex. */
export interface CertificateFingerprints {
  sha256: string;
  spkiSha256: string;
  sha1?: string;
}

/**
 * Whether a candidate announces this certificate or its key: certificate candidates match on the
 * certificate SHA-256 (their own or a same-key twin's) or the SPKI SHA-256; fingerprint hints match a
 * SHA-256 on either (vendors publish both), a SHA-1 on the certificate SHA-1.
 */
export function candidateMatches(candidate: Candidate, cert: CertificateFingerprints): boolean {
  const sha256 = cert.sha256.toLowerCase();
  const spki = cert.spkiSha256.toLowerCase();
  if (candidate.kind === 'certificate') {
    return (
      candidate.sha256 === sha256 ||
      candidate.spkiSha256 === spki ||
      candidate.sameKeyCertificates.some((c) => c.sha256 === sha256)
    );
  }
  if (candidate.algorithm === 'sha256') return candidate.hex === sha256 || candidate.hex === spki;
  return cert.sha1 !== undefined && candidate.hex === cert.sha1.toLowerCase();
}
