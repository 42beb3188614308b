import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sha1Hex, sha256Hex } from './bytes';
import { derToPem } from './pem';

/**
 * A certificate as the advisory code needs it: fingerprints (certificate SHA-256/SHA-1 and SPKI SHA-256),
 * readable names, and the exact DER pieces that a cross-signature check needs. pkijs/asn1js are used for
 * parsing only; hashes go through the injected `SubtleCrypto`.
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
  notBefore: string;
  notAfter: string;
  /** Issuer name equals subject name (byte for byte). */
  selfIssued: boolean;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spkiDer: Uint8Array;
  tbsDer: Uint8Array;
  /** The outer signatureAlgorithm AlgorithmIdentifier, DER. */
  signatureAlgorithmDer: Uint8Array;
  /** The signature algorithm inside the TBSCertificate; must equal the outer one. */
  tbsSignatureAlgorithmDer: Uint8Array;
  signatureValue: Uint8Array;
}

export type ReadCertificateResult =
  | { ok: true; certificate: CertificateInfo }
  | { ok: false; reason: string };

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const value = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      return `${ATTRIBUTE_NAMES[tv.type] ?? tv.type}=${typeof value === 'string' ? value : '?'}`;
    })
    .join(', ');
}

const raw = (block: asn1js.AsnType | undefined): Uint8Array | null =>
  block ? new Uint8Array((block as asn1js.BaseBlock).valueBeforeDecodeView) : null;

export async function readCertificate(der: Uint8Array, subtle: SubtleCrypto): Promise<ReadCertificateResult> {
  const bytes = new Uint8Array(der);
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.byteLength) {
    return { ok: false, reason: 'not a single DER structure' };
  }
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: parsed.result });
  } catch (error) {
    return { ok: false, reason: `not an X.509 certificate: ${(error as Error).message}` };
  }
  const outer = parsed.result as asn1js.Sequence;
  const tbs = outer.valueBlock.value[0] as asn1js.Sequence | undefined;
  const parts = tbs?.valueBlock.value ?? [];
  const hasVersion = parts[0]?.idBlock.tagClass === 3 && parts[0]?.idBlock.tagNumber === 0;
  const at = (i: number) => raw(parts[hasVersion ? i + 1 : i]);
  const tbsDer = raw(tbs);
  const tbsSignatureAlgorithmDer = at(1);
  const issuerDer = at(2);
  const subjectDer = at(4);
  const spkiDer = at(5);
  const signatureAlgorithmDer = raw(outer.valueBlock.value[1]);
  if (
    !tbsDer ||
    !tbsSignatureAlgorithmDer ||
    !issuerDer ||
    !subjectDer ||
    !spkiDer ||
    !signatureAlgorithmDer
  ) {
    return { ok: false, reason: 'certificate structure incomplete' };
  }
  if (cert.signatureValue.valueBlock.unusedBits !== 0) {
    return { ok: false, reason: 'signature BIT STRING has unused bits' };
  }
  const issuerBytes = issuerDer;
  const subjectBytes = subjectDer;
  const selfIssued =
    issuerBytes.byteLength === subjectBytes.byteLength && issuerBytes.every((b, i) => b === subjectBytes[i]);
  return {
    ok: true,
    certificate: {
      der: bytes,
      pem: derToPem(bytes),
      sha256: await sha256Hex(subtle, bytes),
      sha1: await sha1Hex(subtle, bytes),
      spkiSha256: await sha256Hex(subtle, spkiDer),
      subject: nameToString(cert.subject),
      issuer: nameToString(cert.issuer),
      notBefore: cert.notBefore.value.toISOString(),
      notAfter: cert.notAfter.value.toISOString(),
      selfIssued,
      subjectDer,
      issuerDer,
      spkiDer,
      tbsDer,
      signatureAlgorithmDer,
      tbsSignatureAlgorithmDer,
      signatureValue: new Uint8Array(cert.signatureValue.valueBlock.valueHexView),
    },
  };
}
