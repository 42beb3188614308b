import { verifySignature } from '../verify/signature';
import type { CertificateInfo } from './certificate';

/** Which active root vouched for a candidate key, and through which certificate. */
export interface Corroboration {
  rootSha256: string;
  rootSubject: string;
  /** The certificate (same key as the candidate) that the active root signed. */
  crossSignSha256: string;
}

/** Signature checks one corroboration may cost; certificates beyond it are not looked at. */
export const MAX_CORROBORATION_CHECKS = 64;

/**
 * Looks for proof that an active root of the same vendor cross-signed the candidate's key: a certificate
 * among `supplied` (what the feed gave, e.g. a chain file) or the candidate itself that
 * - has the candidate's SubjectPublicKeyInfo (SPKI SHA-256 equal),
 * - names an active root's subject as its issuer (names compared in their RFC 5280 canonical form),
 * - and whose signature verifies under that root's key (WebCrypto through the injected `subtle`, with the
 *   same algorithm policy as `/verify`: RSA PKCS#1/PSS SHA-256/384/512, ECDSA P-256/384/521, Ed25519).
 * A root does not corroborate its own key. Validity dates and revocation are not checked: corroboration is
 * a hint for the admin who approves, never an activation.
 */
export async function findCorroboration(
  candidate: CertificateInfo,
  activeRoots: readonly CertificateInfo[],
  subtle: SubtleCrypto,
  supplied: readonly CertificateInfo[] = [],
): Promise<Corroboration | null> {
  const sameKey = [candidate, ...supplied].filter(
    (c, i, all) => c.spkiSha256 === candidate.spkiSha256 && all.findIndex((o) => o.sha256 === c.sha256) === i,
  );
  let checks = 0;
  for (const cert of sameKey) {
    for (const root of activeRoots) {
      if (root.spkiSha256 === candidate.spkiSha256) continue;
      if (cert.issuerCanonical !== root.subjectCanonical) continue;
      if (++checks > MAX_CORROBORATION_CHECKS) return null;
      const outcome = await verifySignature(subtle, {
        spki: root.spkiDer,
        algorithm: cert.signatureAlgorithmDer,
        data: cert.tbsDer,
        signature: cert.signatureValue,
      });
      if (outcome.ok) {
        return { rootSha256: root.sha256, rootSubject: root.subject, crossSignSha256: cert.sha256 };
      }
    }
  }
  return null;
}

export async function isCorroborated(
  candidate: CertificateInfo,
  activeRoots: readonly CertificateInfo[],
  subtle: SubtleCrypto,
  supplied: readonly CertificateInfo[] = [],
): Promise<boolean> {
  return (await findCorroboration(candidate, activeRoots, subtle, supplied)) !== null;
}
