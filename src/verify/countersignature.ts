import { bytesEqual } from '../encoding';
import type { ParsedCertificate } from './certificate';
import {
  OID_CONTENT_TYPE,
  OID_DATA,
  readContentTypeAttribute,
  readMessageDigest,
  readSignerInfo,
  readSigningTime,
} from './cms-envelope';
import type { PathAnchor } from './path';
import { type Reason, reason } from './reasons';
import { digestAlgorithm, verifySignature } from './signature';
import { findSignerCertificate } from './signer-certificate';
import { tsaTrustReason } from './tsa-certificate';

/**
 * Legacy timestamps: a PKCS#9 countersignature (RFC 2985 §5.3.6, RFC 5652 §11.4) as unsigned attribute of
 * a signer, the form Authenticode's `signtool /t` and `osslsigncode -t` produce. The countersignature is
 * a SignerInfo whose signed attributes hold messageDigest = digest of the stamped signer's signature value
 * (the encryptedDigest octets) and signingTime, the time the TSA vouches for. It names its certificate
 * by issuer and serial (or key identifier) in the certificates of the *outer* SignedData, the only place
 * Authenticode puts it.
 *
 * The rules, each as for an RFC 3161 token where one exists:
 * - signed attributes are required (without them nothing binds a time); contentType, when present, is
 *   id-data (Authenticode writes it; RFC 5652 §11.4 leaves it out), messageDigest and signingTime are
 *   each present once;
 * - the digest and signature algorithms pass the service's policy (signature.ts): SHA-1, which almost
 *   every legacy countersignature uses, is refused with WEAK_DIGEST_ALGORITHM or WEAK_SIGNATURE_ALGORITHM
 *   naming the countersignature: a time vouched for under a broken hash is not believed;
 * - a messageDigest over anything but this signer's signature value (a countersignature replayed from
 *   another signature) is TIMESTAMP_IMPRINT_MISMATCH;
 * - the signature verifies under the named certificate's key over the signed attributes;
 * - the signingTime is not after the verification clock;
 * - the TSA certificate passes what a token's TSA passes (tsa-certificate.ts): one critical EKU,
 *   timeStamping, and a chain to a TSA anchor at the signingTime.
 * There is no ESS signing-certificate attribute to check (legacy countersignatures carry none); the
 * signature under the certificate's key binds it. signingTime has whole seconds and no stated accuracy.
 */

export interface CountersignatureRequest {
  /** DER SignerInfo: the value of the countersignature attribute. */
  countersignature: Uint8Array;
  /** The stamped signer's signature value (its SignerInfo's signature octets). */
  signatureValue: Uint8Array;
  /** The certificates of the SignedData that carries the stamped signer. */
  certificates: readonly Uint8Array[];
  tsaAnchors: PathAnchor[];
  now: Date;
  subtle: SubtleCrypto;
  limits: { maxPathDepth: number; maxSignatureChecks: number };
}

export type CountersignatureOutcome =
  | { ok: true; time: Date; tsa: ParsedCertificate }
  | { ok: false; reason: Reason };

const WHAT = 'the countersignature (legacy timestamp)';

const invalid = (message: string): CountersignatureOutcome => ({
  ok: false,
  reason: reason('TIMESTAMP_INVALID', `${WHAT}: ${message}`),
});

/** A refusal of signature.ts (weak or unsupported algorithm), its code kept, its message naming where. */
const policy = (refusal: Reason): CountersignatureOutcome => ({
  ok: false,
  reason: reason(refusal.code, `${WHAT}: ${refusal.message}`),
});

export async function verifyCountersignature(
  request: CountersignatureRequest,
): Promise<CountersignatureOutcome> {
  const read = readSignerInfo(request.countersignature);
  if (!read.ok) return invalid(`cannot be read: ${read.detail}`);
  const signer = read.signer;
  if (!signer.signedAttributes) return invalid('it has no signed attributes');

  const hash = digestAlgorithm(signer.digestAlgorithmOid);
  if (!hash.ok) return policy(hash.reason);
  if (signer.signedAttributeValues.has(OID_CONTENT_TYPE) && readContentTypeAttribute(signer) !== OID_DATA)
    return invalid('its content-type attribute is not id-data');
  const messageDigest = readMessageDigest(signer);
  if (!messageDigest) return invalid('it has no single messageDigest attribute');
  const expected = new Uint8Array(
    await request.subtle.digest(hash.hash, new Uint8Array(request.signatureValue)),
  );
  if (!bytesEqual(expected, messageDigest)) {
    return {
      ok: false,
      reason: reason('TIMESTAMP_IMPRINT_MISMATCH', `${WHAT} stamps another signature value`),
    };
  }

  const { certificate: tsa, problem } = findSignerCertificate(request.certificates, signer.sid);
  if (!tsa)
    return invalid(
      `its signer certificate, in the signature's certificates: ${problem?.message ?? 'not found'}`,
    );
  const signature = await verifySignature(request.subtle, {
    spki: tsa.spki,
    algorithm: signer.signatureAlgorithm,
    digestAlgorithmOid: signer.digestAlgorithmOid,
    data: signer.signedAttributes,
    signature: signer.signature,
  });
  if (!signature.ok) {
    const code = signature.reason.code;
    return code === 'WEAK_DIGEST_ALGORITHM' || code === 'WEAK_SIGNATURE_ALGORITHM' || code === 'WEAK_RSA_KEY'
      ? policy(signature.reason)
      : invalid(`its signature: ${signature.reason.message}`);
  }

  const time = readSigningTime(signer);
  if (!time) return invalid('it has no single signingTime attribute, so it states no time');
  if (time.getTime() > request.now.getTime())
    return invalid(`its time ${time.toISOString()} is after the verification time`);

  const untrusted = await tsaTrustReason({
    tsa,
    pool: request.certificates,
    anchors: request.tsaAnchors,
    time,
    limits: request.limits,
    subtle: request.subtle,
  });
  return untrusted ? { ok: false, reason: untrusted } : { ok: true, time, tsa };
}
