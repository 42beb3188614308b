import { bytesEqual } from '../encoding';
import type { ParsedCertificate } from './certificate';
import {
  type CmsSigner,
  OID_COUNTERSIGNATURE,
  OID_MS_TIMESTAMP_TOKEN,
  OID_TIMESTAMP_TOKEN,
  OID_TST_INFO,
  parseCmsEnvelope,
  readContentTypeAttribute,
  readMessageDigest,
  TIMESTAMP_TOKEN_LIMITS,
} from './cms-envelope';
import { verifyCountersignature } from './countersignature';
import {
  children,
  DerError,
  type DerNode,
  decodeOid,
  derTry,
  expectTag,
  fail,
  parseDer,
  sequence,
  TAG,
} from './der';
import type { PathAnchor } from './path';
import { parseName } from './path/names';
import { type Reason, reason } from './reasons';
import { digestAlgorithm, verifySignature } from './signature';
import { findSignerCertificate } from './signer-certificate';
import { tsaTrustReason } from './tsa-certificate';
import { parseTstInfo, type TstInfo } from './tst-info';

/**
 * RFC 3161 timestamp tokens (as CMS unsigned attribute id-aa-signatureTimeStampToken, RFC 3161 App. A):
 * the token is a SignedData over a TSTInfo whose message imprint is the hash of the signature value it
 * stamps; its signer, the TSA, must have a certificate in the token that the signed ESS signing-certificate
 * attribute names, whose chain reaches a TSA anchor at the stamped time with EKU timeStamping. Nothing
 * here trusts the token's time until all of that holds.
 */

export { TIME_STAMPING_EKU } from './tsa-certificate';

const OID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const OID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_SHA1 = '1.3.14.3.2.26';

export interface TimestampLimits {
  maxTokenBytes: number;
  maxCertificates: number;
  maxPathDepth: number;
  maxSignatureChecks: number;
}

export const DEFAULT_TIMESTAMP_LIMITS: TimestampLimits = {
  maxTokenBytes: TIMESTAMP_TOKEN_LIMITS.maxSignatureBytes,
  maxCertificates: TIMESTAMP_TOKEN_LIMITS.maxCertificates,
  maxPathDepth: 4,
  maxSignatureChecks: 16,
};

export interface TimestampRequest {
  /** DER ContentInfo of the token. */
  token: Uint8Array;
  /** The signature value the token must stamp (the SignerInfo's signature octets). */
  signatureValue: Uint8Array;
  tsaAnchors: PathAnchor[];
  /** The verification clock: a token from the future is refused. */
  now: Date;
  subtle: SubtleCrypto;
  limits?: Partial<TimestampLimits>;
}

export interface VerifiedTimestamp {
  /** An RFC 3161 token (either attribute) or a legacy PKCS#9 countersignature. */
  kind: 'rfc3161' | 'pkcs9-countersignature';
  /** genTime of the token; the countersignature's signingTime. */
  time: Date;
  /** The token's accuracy in milliseconds (0 when it states none, and for a countersignature). */
  accuracyMs: number;
  tsa: ParsedCertificate;
}

export type TimestampOutcome = { ok: true; timestamp: VerifiedTimestamp } | { ok: false; reason: Reason };

const invalid = (message: string): TimestampOutcome => ({
  ok: false,
  reason: reason('TIMESTAMP_INVALID', message),
});

async function digest(subtle: SubtleCrypto, hash: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest(hash, new Uint8Array(data)));
}

const canonicalName = (raw: Uint8Array): string | null => derTry(() => parseName(parseDer(raw)).canonical);

/** The first certificate an ESS signing-certificate attribute names: hash algorithm, hash, issuer/serial. */
interface EssCertId {
  hashOid: string;
  certHash: Uint8Array;
  issuerSerial: { issuerNames: DerNode[]; serial: Uint8Array } | null;
}

/**
 * SigningCertificateV2 (RFC 5035) or SigningCertificate (RFC 2634): SEQUENCE { certs SEQUENCE OF
 * ESSCertID[v2], policies OPTIONAL }. ESSCertIDv2's hashAlgorithm defaults to SHA-256 (TSAs write it out
 * or leave it out; both are read); ESSCertID always hashes with SHA-1.
 */
function firstEssCertId(value: Uint8Array, v2: boolean): EssCertId {
  const top = sequence(parseDer(value), 'SigningCertificate');
  if (top.length < 1 || top.length > 2) fail('SigningCertificate has the wrong shape');
  const certs = sequence(top[0], 'certs');
  const parts = sequence(certs[0], 'ESSCertID');
  let i = 0;
  let hashOid = v2 ? OID_SHA256 : OID_SHA1;
  if (v2 && parts[i]?.tag === TAG.SEQUENCE) {
    const algorithm = sequence(parts[i++], 'hashAlgorithm');
    if (algorithm.length < 1 || algorithm.length > 2 || (algorithm[1] && algorithm[1].tag !== TAG.NULL))
      fail('hashAlgorithm has the wrong shape');
    hashOid = decodeOid(algorithm[0]);
  }
  const certHash = expectTag(parts[i++], TAG.OCTET_STRING, 'certHash').value;
  let issuerSerial: EssCertId['issuerSerial'] = null;
  if (parts[i]) {
    const [names, serial, ...rest] = sequence(parts[i++], 'IssuerSerial');
    if (rest.length > 0) fail('IssuerSerial has the wrong shape');
    issuerSerial = {
      issuerNames: sequence(names, 'GeneralNames'),
      serial: expectTag(serial, TAG.INTEGER, 'serialNumber').value,
    };
  }
  if (i !== parts.length) fail('ESSCertID has unexpected fields');
  return { hashOid, certHash, issuerSerial };
}

/** An IssuerSerial names `tsa` when its serial and one of its directoryNames are the certificate's issuer. */
function namesCertificate(
  issuerSerial: NonNullable<EssCertId['issuerSerial']>,
  tsa: ParsedCertificate,
): boolean {
  if (!bytesEqual(issuerSerial.serial, tsa.serial)) return false;
  return issuerSerial.issuerNames.some((name) => {
    if (name.tag !== 0xa4) return false;
    const inner = children(name)[0];
    return inner !== undefined && canonicalName(inner.raw) === tsa.issuerCanonical;
  });
}

/**
 * The ESS signing-certificate attribute (v2 with any strong hash, or v1 with SHA-1 as RFC 2634 fixes it)
 * must name the TSA certificate first (RFC 3161 §2.4.1, RFC 5816), by hash and, when it says, by issuer
 * and serial too.
 */
async function signingCertificateMatches(
  subtle: SubtleCrypto,
  signer: CmsSigner,
  tsa: ParsedCertificate,
): Promise<boolean | 'missing'> {
  const v2 = signer.signedAttributeValues.get(OID_SIGNING_CERTIFICATE_V2);
  const v1 = signer.signedAttributeValues.get(OID_SIGNING_CERTIFICATE);
  const occurrences = v2 ?? v1;
  if (!occurrences) return 'missing';
  if (occurrences.length !== 1 || occurrences[0]?.length !== 1 || (v1 && v2)) return false;
  let id: EssCertId;
  const read = derTry(() => firstEssCertId(occurrences[0]?.[0] as Uint8Array, v2 !== undefined));
  if (!read) return false;
  id = read;
  let hashName: string;
  if (id.hashOid === OID_SHA1 && !v2) hashName = 'SHA-1';
  else {
    const strong = digestAlgorithm(id.hashOid);
    if (!strong.ok) return false;
    hashName = strong.hash;
  }
  if (id.issuerSerial && !namesCertificate(id.issuerSerial, tsa)) return false;
  return bytesEqual(await digest(subtle, hashName, tsa.der), id.certHash);
}

export async function verifyTimestampToken(request: TimestampRequest): Promise<TimestampOutcome> {
  const limits = { ...DEFAULT_TIMESTAMP_LIMITS, ...request.limits };
  const parsed = parseCmsEnvelope(
    request.token,
    {
      ...TIMESTAMP_TOKEN_LIMITS,
      maxSignatureBytes: limits.maxTokenBytes,
      maxCertificates: limits.maxCertificates,
    },
    false,
  );
  if (!parsed.ok) return invalid(`the timestamp token cannot be read: ${parsed.detail}`);
  const envelope = parsed.envelope;
  const signer = envelope.signers[0];
  if (!signer) return invalid('the timestamp token has no signer');
  if (envelope.contentType !== OID_TST_INFO || !envelope.content)
    return invalid('the timestamp token does not encapsulate a TSTInfo');

  let tst: TstInfo;
  try {
    tst = parseTstInfo(envelope.content);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return invalid(`the TSTInfo cannot be read: ${error.message}`);
  }

  // The imprint: the hash of the signature value that the token stamps.
  const imprintHash = digestAlgorithm(tst.imprintAlgorithmOid);
  if (!imprintHash.ok) return { ok: false, reason: imprintHash.reason };
  const expected = await digest(request.subtle, imprintHash.hash, request.signatureValue);
  if (!bytesEqual(expected, tst.imprint)) {
    return {
      ok: false,
      reason: reason('TIMESTAMP_IMPRINT_MISMATCH', 'the timestamp token stamps another signature value'),
    };
  }

  // The TSA's signature over the TSTInfo, through signed attributes (RFC 3161 requires them).
  const { certificate: tsa, problem } = findSignerCertificate(envelope.certificates, signer.sid);
  if (!tsa) return invalid(`the certificate of the TSA: ${problem?.message ?? 'not found'}`);
  if (!signer.signedAttributes) return invalid('the timestamp token has no signed attributes');
  const signerDigest = digestAlgorithm(signer.digestAlgorithmOid);
  if (!signerDigest.ok) return { ok: false, reason: signerDigest.reason };
  if (readContentTypeAttribute(signer) !== OID_TST_INFO)
    return invalid('the content-type attribute of the timestamp token is not TSTInfo');
  const messageDigest = readMessageDigest(signer);
  if (
    !messageDigest ||
    !bytesEqual(messageDigest, await digest(request.subtle, signerDigest.hash, envelope.content))
  )
    return invalid('the TSTInfo differs from what the TSA signed');
  const binding = await signingCertificateMatches(request.subtle, signer, tsa);
  if (binding !== true) {
    return invalid(
      binding === 'missing'
        ? 'the timestamp token has no ESS signing-certificate attribute'
        : 'the ESS signing-certificate attribute does not name the TSA certificate',
    );
  }
  const signature = await verifySignature(request.subtle, {
    spki: tsa.spki,
    algorithm: signer.signatureAlgorithm,
    digestAlgorithmOid: signer.digestAlgorithmOid,
    data: signer.signedAttributes,
    signature: signer.signature,
  });
  if (!signature.ok) return invalid(`the TSA signature: ${signature.reason.message}`);

  const time = tst.genTime;
  if (time.getTime() > request.now.getTime())
    return invalid(`the token's time ${time.toISOString()} is after the verification time`);

  // RFC 3161 §2.3 (one critical EKU, timeStamping), and the TSA's chain at the time it stamped.
  const untrusted = await tsaTrustReason({
    tsa,
    pool: envelope.certificates,
    anchors: request.tsaAnchors,
    time,
    limits,
    subtle: request.subtle,
  });
  if (untrusted) return { ok: false, reason: untrusted };
  return { ok: true, timestamp: { kind: 'rfc3161', time, accuracyMs: tst.accuracyMs, tsa } };
}

export type SignerTimestamp =
  | { kind: 'none' }
  | { kind: 'valid'; timestamp: VerifiedTimestamp }
  | { kind: 'invalid'; reason: Reason };

const TIMESTAMP_ATTRIBUTES = [OID_TIMESTAMP_TOKEN, OID_MS_TIMESTAMP_TOKEN, OID_COUNTERSIGNATURE] as const;

/**
 * The timestamp a CMS signer carries as unsigned attribute, verified: an RFC 3161 token as
 * id-aa-signatureTimeStampToken or as Microsoft's attribute 1.3.6.1.4.1.311.3.3.1 (the same token, the
 * same checks), or a legacy PKCS#9 countersignature (countersignature.ts), whose certificate is looked up
 * in `certificates`, those of the SignedData that carries the signer. At most one timestamp of any kind
 * is accepted: two say two times, and which one to believe is not ours to pick.
 */
export async function signerTimestamp(
  signer: CmsSigner,
  tsaAnchors: PathAnchor[],
  now: Date,
  subtle: SubtleCrypto,
  certificates: readonly Uint8Array[] = [],
): Promise<SignerTimestamp> {
  const found = TIMESTAMP_ATTRIBUTES.flatMap((oid) =>
    (signer.unsignedAttributeValues.get(oid) ?? []).flatMap((values) =>
      values.map((value) => ({ oid, value })),
    ),
  );
  const only = found[0];
  if (!only) return { kind: 'none' };
  if (found.length !== 1) {
    return {
      kind: 'invalid',
      reason: reason(
        'TIMESTAMP_INVALID',
        `the signer carries ${found.length} timestamps; at most one is read`,
      ),
    };
  }
  if (only.oid === OID_COUNTERSIGNATURE) {
    const limits = DEFAULT_TIMESTAMP_LIMITS;
    const outcome = await verifyCountersignature({
      countersignature: only.value,
      signatureValue: signer.signature,
      certificates,
      tsaAnchors,
      now,
      subtle,
      limits,
    });
    return outcome.ok
      ? {
          kind: 'valid',
          timestamp: { kind: 'pkcs9-countersignature', time: outcome.time, accuracyMs: 0, tsa: outcome.tsa },
        }
      : { kind: 'invalid', reason: outcome.reason };
  }
  const outcome = await verifyTimestampToken({
    token: only.value,
    signatureValue: signer.signature,
    tsaAnchors,
    now,
    subtle,
  });
  return outcome.ok
    ? { kind: 'valid', timestamp: outcome.timestamp }
    : { kind: 'invalid', reason: outcome.reason };
}

/** The latest instant the stamped signature can have been made: what `distrustAfter` is compared with. */
export const latestSigningTime = (timestamp: VerifiedTimestamp): Date =>
  new Date(timestamp.time.getTime() + timestamp.accuracyMs);

/**
 * The token's time with its accuracy must lie inside the validity of every certificate of the signer's
 * path: a timestamp from before the signer existed or after it expired vouches for nothing.
 */
export function timestampWindowReasons(
  timestamp: VerifiedTimestamp,
  path: ParsedCertificate[],
  pathReasons: Reason[],
): Reason[] {
  const earliest = timestamp.time.getTime() - timestamp.accuracyMs;
  const latest = timestamp.time.getTime() + timestamp.accuracyMs;
  const outside = path.find((c) => earliest < c.notBefore.getTime() || latest > c.notAfter.getTime());
  const validityFailed = pathReasons.some(
    (r) => r.code === 'CERT_EXPIRED' || r.code === 'CERT_NOT_YET_VALID',
  );
  if (!outside && !validityFailed) return [];
  const who = outside ? `"${outside.subject}"` : 'a certificate of the signer chain';
  return [
    reason(
      'TIMESTAMP_OUTSIDE_VALIDITY',
      `the timestamp ${timestamp.time.toISOString()} (±${timestamp.accuracyMs} ms) is outside the validity of ${who}`,
    ),
  ];
}
