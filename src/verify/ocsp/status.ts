import { bytesEqual } from '../../encoding';
import { isParseError, type ParsedCertificate, parseCertificate } from '../certificate';
import type { SignatureChecker } from '../path/signature-checker';
import { certIdMatches, keyHash } from './cert-id';
import { type BasicOcspResponse, type ResponderId, readOcspResponse, type SingleResponse } from './response';

/**
 * What OCSP responses say of one certificate (RFC 6960 §3.2, §4.2.2.2), decided from the bytes alone:
 * time, the issuer and signature checks are arguments, nothing is fetched.
 *
 * A response counts only when all of this holds:
 * - it reads as a strict-DER, successful id-pkix-ocsp-basic response with no unknown critical extension;
 * - one of its SingleResponses names the certificate (CertID by SHA-1 or SHA-256 over the issuer's subject
 *   DER and public key bits, and the serial number);
 * - its signature over tbsResponseData as received verifies under the issuer's key (the ResponderID naming
 *   the issuer, by name or key hash), or under a delegated responder's key, that responder certificate being
 *   carried in the response, named by the ResponderID, issued and signed directly by the issuer, carrying
 *   id-kp-OCSPSigning (anyExtendedKeyUsage does not do), a keyUsage (if any) with digitalSignature, no
 *   profile defect or unknown critical extension, and valid at `time`. The responder certificate's own
 *   revocation is not checked (as if it carried id-pkix-ocsp-nocheck, which delegated responders do in
 *   practice);
 * - it is fresh: thisUpdate no later than `time` plus CLOCK_SKEW_MS, and nextUpdate (when present, and not
 *   before thisUpdate) no earlier than `time` minus CLOCK_SKEW_MS; without nextUpdate, thisUpdate no older
 *   than `maxAgeWithoutNextUpdateMs` (default 7 days);
 * - when a nonce was sent and the response carries one, they are equal. A response without a nonce is
 *   accepted under the freshness rules above: responders that pre-produce responses (RFC 5019) ignore
 *   nonces, and the freshness window is what bounds a replay then.
 *
 * "revoked" is evidence whatever the response's age or nonce (a revocation is never undone by time), but
 * only once its signature and its responder's authorisation have verified. A status of "unknown" from the
 * responder and every response that does not count give `unknown` with the reasons. When several
 * responses are given, an authorised "revoked" wins over "good".
 */

export type OcspStatus =
  | { kind: 'good'; evidenceSha256: string }
  | { kind: 'revoked'; date: Date; reasonCode: number | null; evidenceSha256: string }
  | { kind: 'unknown'; why: string[] };

export interface OcspStatusInput {
  cert: ParsedCertificate;
  issuer: ParsedCertificate;
  /** DER OCSPResponses (carried in the CMS, fetched, or both); at most MAX_RESPONSES are read. */
  responses: Uint8Array[];
  time: Date;
  checker: SignatureChecker;
  /** The nonce sent in the request, if one was. */
  nonce?: Uint8Array;
  maxAgeWithoutNextUpdateMs?: number;
}

export const OCSP_STATUS_DEFAULTS = {
  /** Responses read per certificate; more are ignored (and said so). */
  maxResponses: 8,
  clockSkewMs: 5 * 60_000,
  /** How old a response without nextUpdate may be (RFC 6960 leaves it to local policy). */
  maxAgeWithoutNextUpdateMs: 7 * 24 * 60 * 60_000,
};

const OID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';

type Judgement =
  | { kind: 'good'; evidenceSha256: string }
  | { kind: 'revoked'; date: Date; reasonCode: number | null; evidenceSha256: string }
  | { kind: 'unusable'; why: string };

const names = (id: ResponderId, certificate: ParsedCertificate): boolean =>
  id.kind === 'name'
    ? id.name.canonical === certificate.subjectCanonical
    : bytesEqual(id.keyHash, keyHash(certificate));

/** Why `responder` may not answer for `issuer`'s certificates at `time`, or null when it may (before its signature). */
function delegationProblem(
  responder: ParsedCertificate,
  issuer: ParsedCertificate,
  time: Date,
): string | null {
  if (responder.issuerCanonical !== issuer.subjectCanonical) return 'is not issued by the certificate issuer';
  if (!responder.extensions.extKeyUsage?.includes(OID_KP_OCSP_SIGNING)) return 'lacks EKU id-kp-OCSPSigning';
  const keyUsage = responder.extensions.keyUsage;
  if (keyUsage && !keyUsage.has('digitalSignature')) return 'has a keyUsage without digitalSignature';
  if (time < responder.notBefore || time > responder.notAfter) return 'is not valid at the time of the check';
  if (responder.unknownCriticalExtensions.length > 0)
    return `has unknown critical extensions (${responder.unknownCriticalExtensions.join(', ')})`;
  if (responder.profileProblems.length > 0) return `is malformed (${responder.profileProblems.join('; ')})`;
  return null;
}

/** Null when the response's signer is authorised and its signature verifies; otherwise why not. */
async function signerProblem(
  response: BasicOcspResponse,
  issuer: ParsedCertificate,
  time: Date,
  checker: SignatureChecker,
): Promise<string | null> {
  if (names(response.responderId, issuer)) {
    const outcome = await checker.signsOcspResponse(issuer, response);
    if (outcome === null) return 'the signature-check budget is spent';
    return outcome.ok ? null : `its signature by the issuer does not verify (${outcome.reason.message})`;
  }
  const problems: string[] = [];
  for (const der of response.certificates) {
    const responder = parseCertificate(der);
    if (isParseError(responder) || !names(response.responderId, responder)) continue;
    const where = `the responder certificate ${responder.subject}`;
    const problem = delegationProblem(responder, issuer, time);
    if (problem) {
      problems.push(`${where} ${problem}`);
      continue;
    }
    const issued = await checker.signs(issuer, responder);
    if (issued === null) return 'the signature-check budget is spent';
    if (!issued.ok) {
      problems.push(`${where} is not signed by the certificate issuer`);
      continue;
    }
    const outcome = await checker.signsOcspResponse(responder, response);
    if (outcome === null) return 'the signature-check budget is spent';
    if (outcome.ok) return null;
    problems.push(`its signature by ${where} does not verify (${outcome.reason.message})`);
  }
  if (problems.length === 0)
    return 'it is signed by neither the issuer nor a responder certificate it carries';
  return problems.join('; ');
}

function freshnessProblem(single: SingleResponse, time: Date, maxAgeMs: number): string | null {
  const now = time.getTime();
  const skew = OCSP_STATUS_DEFAULTS.clockSkewMs;
  const thisUpdate = single.thisUpdate.getTime();
  if (thisUpdate > now + skew) return `its thisUpdate (${single.thisUpdate.toISOString()}) is in the future`;
  if (single.nextUpdate) {
    if (single.nextUpdate.getTime() < thisUpdate) return 'its nextUpdate is before its thisUpdate';
    if (single.nextUpdate.getTime() < now - skew)
      return `it is stale (nextUpdate ${single.nextUpdate.toISOString()})`;
  } else if (now - thisUpdate > maxAgeMs) {
    return `it is stale (thisUpdate ${single.thisUpdate.toISOString()}, no nextUpdate)`;
  }
  return null;
}

async function judge(bytes: Uint8Array, input: OcspStatusInput, maxAgeMs: number): Promise<Judgement> {
  const unusable = (why: string): Judgement => ({ kind: 'unusable', why });
  const read = readOcspResponse(bytes);
  if (!read.ok) return unusable(read.why);
  const response = read.response;
  if (response.unusable) return unusable(`it carries an ${response.unusable}`);
  const matching = response.responses.filter((s) => certIdMatches(s.certId, input.cert, input.issuer));
  // A response that says both (it should not) is read as revoked: that is the answer that cannot hurt.
  const single = matching.find((s) => s.status.kind === 'revoked') ?? matching[0];
  if (!single) return unusable('it says nothing of this certificate (no matching CertID)');
  if (single.unusable) return unusable(`its answer for this certificate carries an ${single.unusable}`);
  if (single.status.kind === 'unknown') return unusable('the responder does not know the certificate');
  if (single.status.kind === 'good') {
    const stale = freshnessProblem(single, input.time, maxAgeMs);
    if (stale) return unusable(stale);
    if (input.nonce && response.nonce && !bytesEqual(input.nonce, response.nonce))
      return unusable('its nonce is not the one sent');
  }
  // A revocation stays one: the delegated responder must have been valid when it said so (producedAt),
  // not now; a good answer needs a responder valid now.
  const responderTime = single.status.kind === 'revoked' ? response.producedAt : input.time;
  const signer = await signerProblem(response, input.issuer, responderTime, input.checker);
  if (signer) return unusable(signer);
  if (single.status.kind === 'revoked') return { ...single.status, evidenceSha256: response.sha256Hex };
  return { kind: 'good', evidenceSha256: response.sha256Hex };
}

/** The certificate's status according to `responses` (see the file comment). Never throws on bad input. */
export async function ocspStatus(input: OcspStatusInput): Promise<OcspStatus> {
  const maxAgeMs = input.maxAgeWithoutNextUpdateMs ?? OCSP_STATUS_DEFAULTS.maxAgeWithoutNextUpdateMs;
  if (input.cert.issuerCanonical !== input.issuer.subjectCanonical)
    return { kind: 'unknown', why: ['the given issuer did not issue the certificate (names differ)'] };
  if (input.responses.length === 0) return { kind: 'unknown', why: ['no OCSP response'] };
  const why: string[] = [];
  let good: OcspStatus | null = null;
  const read = input.responses.slice(0, OCSP_STATUS_DEFAULTS.maxResponses);
  for (const [n, bytes] of read.entries()) {
    const judgement = await judge(bytes, input, maxAgeMs);
    if (judgement.kind === 'revoked') return judgement;
    if (judgement.kind === 'good') good ??= judgement;
    else why.push(`OCSP response ${n + 1}: ${judgement.why}`);
  }
  if (good) return good;
  if (input.responses.length > read.length)
    why.push(`${input.responses.length - read.length} further OCSP responses were not read`);
  return { kind: 'unknown', why };
}
