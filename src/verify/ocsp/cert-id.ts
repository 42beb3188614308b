import { bytesEqual } from '../../encoding';
import type { ParsedCertificate } from '../certificate';
import { children, type DerNode, decodeBitString, decodeOid, expectTag, fail, parseDer, TAG } from '../der';
import { sha1, sha256 } from '../sync-hash';

/**
 * RFC 6960 §4.1.1 CertID: a certificate named by the hash of its issuer's name, the hash of its issuer's
 * public key and its serial number. Responders are asked with SHA-1 (what they all answer); a response may
 * name the certificate with SHA-1 or SHA-256.
 */

export const OID_SHA1 = '1.3.14.3.2.26';
export const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

const HASHES: Record<string, (data: Uint8Array) => Uint8Array> = {
  [OID_SHA1]: sha1,
  [OID_SHA256]: sha256,
};

export interface CertId {
  hashAlgorithmOid: string;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** Contents octets of the serial number INTEGER. */
  serial: Uint8Array;
}

/** The subjectPublicKey BIT STRING's value (without its unused-bits octet), as RFC 6960 hashes it. */
export function publicKeyBits(certificate: ParsedCertificate): Uint8Array {
  const spki = children(parseDer(certificate.spki));
  return decodeBitString(spki[1]).bytes;
}

/** SHA-1 of a certificate's public key bits: ResponderID byKey (RFC 6960 §4.2.1). */
export const keyHash = (certificate: ParsedCertificate): Uint8Array => sha1(publicKeyBits(certificate));

export function certIdFor(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  hashAlgorithmOid = OID_SHA1,
): CertId {
  const hash = HASHES[hashAlgorithmOid];
  if (!hash) fail(`CertID hash algorithm ${hashAlgorithmOid} is not supported`);
  return {
    hashAlgorithmOid,
    issuerNameHash: hash(issuer.subjectRaw),
    issuerKeyHash: hash(publicKeyBits(issuer)),
    serial: cert.serial,
  };
}

/** Reads a CertID node strictly. Throws DerError when malformed. */
export function readCertId(node: DerNode | undefined): CertId {
  const parts = children(expectTag(node, TAG.SEQUENCE, 'CertID'));
  if (parts.length !== 4) fail('CertID must have four fields');
  const algorithm = children(expectTag(parts[0], TAG.SEQUENCE, 'hashAlgorithm'));
  const hashAlgorithmOid = decodeOid(algorithm[0]);
  if (algorithm.length > 2 || (algorithm[1] && algorithm[1].tag !== TAG.NULL))
    fail('CertID hashAlgorithm parameters must be absent or NULL');
  return {
    hashAlgorithmOid,
    issuerNameHash: expectTag(parts[1], TAG.OCTET_STRING, 'issuerNameHash').value,
    issuerKeyHash: expectTag(parts[2], TAG.OCTET_STRING, 'issuerKeyHash').value,
    serial: expectTag(parts[3], TAG.INTEGER, 'serialNumber').value,
  };
}

/** Does `id` (read from a response) name `cert` as issued by `issuer`? Unknown hash algorithms never match. */
export function certIdMatches(id: CertId, cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!HASHES[id.hashAlgorithmOid]) return false;
  const expected = certIdFor(cert, issuer, id.hashAlgorithmOid);
  return (
    bytesEqual(id.serial, expected.serial) &&
    bytesEqual(id.issuerNameHash, expected.issuerNameHash) &&
    bytesEqual(id.issuerKeyHash, expected.issuerKeyHash)
  );
}
