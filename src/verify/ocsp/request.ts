import { TrustgateError } from '../../errors';
import type { ParsedCertificate } from '../certificate';
import { certIdFor, OID_SHA1 } from './cert-id';
import { oid, tlv } from './encode';

/** id-pkix-ocsp-nonce (RFC 6960 §4.4.1, RFC 8954). */
export const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
/** RFC 8954 §2.1: a nonce is 1 to 32 octets. */
export const MAX_NONCE_BYTES = 32;

/**
 * The DER OCSPRequest (RFC 6960 §4.1.1) for one certificate: unsigned, version 1 (omitted, as DER
 * requires of a DEFAULT), a SHA-1 CertID, and the nonce extension when a nonce is given. The nonce's
 * extnValue is an OCTET STRING holding the nonce, as RFC 8954 and the responders read it.
 */
export function ocspRequestFor(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  nonce?: Uint8Array,
): Uint8Array {
  if (nonce !== undefined && (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES))
    throw new TrustgateError('INTERNAL', `an OCSP nonce has 1 to ${MAX_NONCE_BYTES} octets`);
  const id = certIdFor(cert, issuer, OID_SHA1);
  const certId = tlv(
    0x30,
    tlv(0x30, oid(OID_SHA1), Uint8Array.of(0x05, 0x00)),
    tlv(0x04, id.issuerNameHash),
    tlv(0x04, id.issuerKeyHash),
    tlv(0x02, id.serial),
  );
  const requestList = tlv(0x30, tlv(0x30, certId));
  const extensions = nonce
    ? [tlv(0xa2, tlv(0x30, tlv(0x30, oid(OID_OCSP_NONCE), tlv(0x04, tlv(0x04, nonce)))))]
    : [];
  return tlv(0x30, tlv(0x30, requestList, ...extensions));
}
