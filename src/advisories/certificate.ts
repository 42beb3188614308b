import { sha1Hex } from '../encoding';
import { isParseError, parseCertificate } from '../verify/certificate';
import { derToPem } from './pem';

/**
 * A certificate as the advisory code needs it: fingerprints (certificate SHA-256/SHA-1 and SPKI SHA-256),
 * readable and canonical names, and the exact DER pieces a cross-signature check needs. Parsing is the
 * strict DER parser of `verify/` (the one place that reads X.509), so a feed's certificate is read exactly
 * as `/verify` would read it; SHA-1 goes through the injected `SubtleCrypto`.
 */
export interface CertificateInfo {
  der: Uint8Array;
  pem: string;
  /** Lower-case hex SHA-256 of the certificate DER. */
  sha256: string;
  sha1: string;
  /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the same key in another certificate matches. */
  spkiSha256: string;
  subject: string;
  issuer: string;
  /** Comparison forms of the names (RFC 5280 §7.1): equal names have equal strings. */
  subjectCanonical: string;
  issuerCanonical: string;
  notBefore: string;
  notAfter: string;
  /** Issuer name equals subject name. */
  selfIssued: boolean;
  spkiDer: Uint8Array;
  tbsDer: Uint8Array;
  /** The signatureAlgorithm AlgorithmIdentifier, DER (the parser checked it equals the TBS one). */
  signatureAlgorithmDer: Uint8Array;
  signatureValue: Uint8Array;
}

export type ReadCertificateResult =
  | { ok: true; certificate: CertificateInfo }
  | { ok: false; reason: string };

export async function readCertificate(der: Uint8Array, subtle: SubtleCrypto): Promise<ReadCertificateResult> {
  const parsed = parseCertificate(new Uint8Array(der));
  if (isParseError(parsed)) return { ok: false, reason: `${parsed.error.code}: ${parsed.error.message}` };
  return {
    ok: true,
    certificate: {
      der: parsed.der,
      pem: derToPem(parsed.der),
      sha256: parsed.sha256Hex,
      sha1: await sha1Hex(subtle, parsed.der),
      spkiSha256: parsed.spkiSha256Hex,
      subject: parsed.subject,
      issuer: parsed.issuer,
      subjectCanonical: parsed.subjectCanonical,
      issuerCanonical: parsed.issuerCanonical,
      notBefore: parsed.notBefore.toISOString(),
      notAfter: parsed.notAfter.toISOString(),
      selfIssued: parsed.selfIssued,
      spkiDer: parsed.spki,
      tbsDer: parsed.tbs,
      signatureAlgorithmDer: parsed.signatureAlgorithm,
      signatureValue: parsed.signatureValue,
    },
  };
}
