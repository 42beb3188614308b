import { isParseError, type ParsedCertificate } from './certificate';
import { parseCertificateMemo } from './certificate-memo';
import type { SignerIdentifier } from './cms-envelope';
import { ocspResponderUrls } from './ocsp';
import type { PathAnchor, PathOutcome, PathRequest } from './path';
import { ANY_EKU } from './path/extensions';
import { rsaModulusProblem } from './path/key-profile';
import { SignatureChecker } from './path/signature-checker';
import { flooredTime } from './path/validate';
import { type Reason, reason } from './reasons';
import { checkPublicKeyPolicy } from './signature';
import { findSignerCertificate, type SignerMatch } from './signer-certificate';

/**
 * Pinned signers (docs/pinned-signers.md): a certificate an admin pair approved as *the signer itself*
 * (`PathAnchor.kind === 'signer'`), for keys no CA vouches for (a self-signed firmware or kernel-module
 * key). Such an anchor vouches for exactly one certificate, byte for byte: it never anchors a path of
 * another leaf (buildAndValidatePath ignores signer anchors), and a root anchor never stands in for a
 * pinned signer.
 */

export const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

export const isSignerAnchor = (anchor: PathAnchor): boolean => anchor.kind === 'signer';

/**
 * `validate` (path building to the roots) with pinned signers: a leaf that is, byte for byte, a pinned
 * signer certificate is judged by its pin alone (`validatePinnedSigner`, even when a CA path would also
 * exist: a distrusted pin is not bypassed through a root); any other leaf is validated against the root
 * anchors only.
 */
export const withPinnedSigners =
  (validate: (request: PathRequest) => Promise<PathOutcome>) =>
  async (request: PathRequest): Promise<PathOutcome> => {
    const roots = request.anchors.filter((anchor) => !isSignerAnchor(anchor));
    if (roots.length === request.anchors.length) return validate(request);
    const leaf = parseCertificateMemo(request.leaf);
    const pin = isParseError(leaf) ? null : pinnedAnchorOf(leaf, request.anchors);
    if (pin && !isParseError(leaf)) {
      const outcome = validatePinnedSigner({
        signer: leaf,
        anchor: pin,
        time: request.time,
        ...(request.signingTime ? { signingTime: request.signingTime } : {}),
      });
      if (!namesRevocationSources(leaf) || (await carriedIssuer(leaf, request.intermediates, request.subtle)))
        return outcome;
      // Its issuer's CRLs or OCSP answers could revoke it, but cannot be checked without the issuer:
      // unavailable (a warning under best-effort, a rejection under `require`).
      const unavailable = reason(
        'REVOCATION_UNAVAILABLE',
        `pinned signer "${leaf.subject}" names revocation sources, but the signature does not carry its issuer "${leaf.issuer}" to check them against`,
      );
      return outcome.status === 'valid'
        ? { status: 'invalid', path: outcome.path, anchor: outcome.anchor, reasons: [unavailable] }
        : { ...outcome, reasons: [...outcome.reasons, unavailable] };
    }
    return validate({ ...request, anchors: roots });
  };

/** The pinned signer anchor whose certificate is exactly `certificate` (same DER), or null. */
export function pinnedAnchorOf(
  certificate: ParsedCertificate,
  anchors: readonly PathAnchor[],
): PathAnchor | null {
  // One certificate is one anchor row per vendor; should a caller pass it twice (say once distrusted for
  // key compromise), the most restrictive entry decides.
  const pins = anchors.filter(
    (a) => isSignerAnchor(a) && a.der.length === certificate.der.length && sameDer(a.der, certificate.der),
  );
  if (pins.length === 0) return null;
  return (
    pins.find((a) => a.keyCompromised) ??
    [...pins].sort(
      (a, b) => (a.distrustAfter?.getTime() ?? Infinity) - (b.distrustAfter?.getTime() ?? Infinity),
    )[0] ??
    null
  );
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The pinned signer certificate a CMS signer names by its sid (issuer and serial, or subject key
 * identifier), for a signature that does not carry the signer's certificate (a kernel module's appended
 * PKCS#7 carries none). Only signer anchors are looked at; two different pinned certificates under the
 * sid are an error (SIGNER_CERT_AMBIGUOUS), never a guess.
 */
export function findPinnedSigner(anchors: readonly PathAnchor[], sid: SignerIdentifier): SignerMatch | null {
  const pinned = anchors.filter(isSignerAnchor).map((a) => a.der);
  if (pinned.length === 0) return null;
  const match = findSignerCertificate(pinned, sid);
  if (match.certificate) return match;
  if (match.problem?.code === 'SIGNER_CERT_NOT_FOUND') return null;
  if (match.problem?.code === 'SIGNER_CERT_AMBIGUOUS') {
    return {
      certificate: null,
      problem: reason(
        'SIGNER_CERT_AMBIGUOUS',
        'the signature carries no signer certificate and its signer identifier names more than one pinned signer certificate',
      ),
    };
  }
  return match;
}

/**
 * The "path" of a pinned signer: [signer], anchored at its own pin. trustgate's policy for it
 * (docs/pinned-signers.md): valid at `time` (the trusted timestamp's time when there is one); keyUsage,
 * when present, allows digitalSignature; extKeyUsage, when present, allows codeSigning or
 * anyExtendedKeyUsage (an absent extKeyUsage passes: the two admins' pin is the authorization); no unknown
 * critical extension, no profile defect, an acceptable key. basicConstraints is not looked at: a CA
 * certificate may be pinned to vouch for its own signatures (never for others'). Distrust dates and key
 * compromise apply as for roots.
 */
export function validatePinnedSigner(input: {
  signer: ParsedCertificate;
  anchor: PathAnchor;
  time: Date;
  signingTime?: Date;
}): PathOutcome {
  const { signer, anchor } = input;
  const time = flooredTime(input.time);
  const who = `pinned signer "${signer.subject}"`;
  const reasons: Reason[] = [];
  if (time < signer.notBefore)
    reasons.push(
      reason('CERT_NOT_YET_VALID', `${who} is not valid before ${signer.notBefore.toISOString()}`),
    );
  if (time > signer.notAfter)
    reasons.push(reason('CERT_EXPIRED', `${who} expired at ${signer.notAfter.toISOString()}`));
  reasons.push(...pinnedSignerProblems(signer, who));
  if (anchor.keyCompromised) {
    reasons.push(
      reason(
        'ANCHOR_DISTRUSTED',
        `pinned signer ${anchor.id} is distrusted for key compromise: no signature by it is trusted, whatever its dates or timestamp`,
      ),
    );
  } else if (anchor.distrustAfter) {
    const signedAt = input.signingTime ?? signer.notBefore;
    if (signedAt >= anchor.distrustAfter) {
      reasons.push(
        reason(
          'ANCHOR_DISTRUSTED',
          `pinned signer ${anchor.id} is distrusted for signatures from ${anchor.distrustAfter.toISOString()}; ` +
            `${input.signingTime ? 'signing time' : "signer's notBefore"} is ${signedAt.toISOString()}`,
        ),
      );
    }
  }
  return reasons.length === 0
    ? { status: 'valid', path: [signer], anchor }
    : { status: 'invalid', path: [signer], anchor, reasons };
}

/**
 * The signer certificate of a CMS signer: the one the envelope carries, else (the envelope carries none
 * under the sid, e.g. a kernel module's appended PKCS#7) the pinned signer certificate the sid names.
 * Root anchors are never looked at here.
 */
export function signerCertificateOf(
  certificates: readonly Uint8Array[],
  sid: SignerIdentifier,
  anchors: readonly PathAnchor[],
): SignerMatch {
  const carried = findSignerCertificate(certificates, sid);
  if (carried.certificate || carried.problem?.code !== 'SIGNER_CERT_NOT_FOUND') return carried;
  return findPinnedSigner(anchors, sid) ?? carried;
}

/**
 * What makes a certificate unusable as a pinned signer whatever the time (the admin API refuses to pin
 * such a certificate): profile defects, unknown critical extensions, a refused key, a keyUsage without
 * digitalSignature, an extKeyUsage without codeSigning or anyExtendedKeyUsage.
 */
export function pinnedSignerProblems(
  signer: ParsedCertificate,
  who = `pinned signer "${signer.subject}"`,
): Reason[] {
  const reasons: Reason[] = [];
  for (const problem of signer.profileProblems) reasons.push(reason('CERT_MALFORMED', `${who}: ${problem}`));
  for (const oid of signer.unknownCriticalExtensions) {
    reasons.push(reason('UNKNOWN_CRITICAL_EXTENSION', `${who} has an unknown critical extension ${oid}`));
  }
  const keyProblem = checkPublicKeyPolicy(signer.spki);
  if (keyProblem) reasons.push({ code: keyProblem.code, message: `${who}: ${keyProblem.message}` });
  const rsaProblem = rsaModulusProblem(signer.spki);
  if (rsaProblem) reasons.push(reason('WEAK_RSA_KEY', `${who}: ${rsaProblem}`));
  const ku = signer.extensions.keyUsage;
  if (ku && !ku.has('digitalSignature')) {
    reasons.push(reason('SIGNER_KEY_USAGE_INVALID', `${who} keyUsage lacks digitalSignature`));
  }
  const eku = signer.extensions.extKeyUsage;
  if (eku && !eku.includes(CODE_SIGNING) && !eku.includes(ANY_EKU)) {
    reasons.push(
      reason('SIGNER_EKU_MISSING', `${who} extKeyUsage allows neither codeSigning nor anyExtendedKeyUsage`),
    );
  }
  return reasons;
}

/** `pinnedSignerProblems` as sentences, for the admin API's refusal. */
export const pinnedSignerDefects = (signer: ParsedCertificate): string[] =>
  pinnedSignerProblems(signer, 'it').map((r) => r.message);

/**
 * Whether a pinned signer's revocation can mean anything: it is not self-issued (a key revoking itself
 * is what key-compromise distrust is for) and names a CRL distribution point or an OCSP responder.
 */
function namesRevocationSources(signer: ParsedCertificate): boolean {
  if (signer.selfIssued) return false;
  return (signer.extensions.crlDistributionPoints?.length ?? 0) > 0 || ocspResponderUrls(signer).length > 0;
}

/** The carried certificate whose key signed `signer` (name and signature), or null. */
async function carriedIssuer(
  signer: ParsedCertificate,
  bag: readonly Uint8Array[],
  subtle: SubtleCrypto,
): Promise<ParsedCertificate | null> {
  const checker = new SignatureChecker(subtle, MAX_ISSUER_CHECKS);
  for (const der of bag.slice(0, MAX_ISSUER_CHECKS)) {
    const candidate = parseCertificateMemo(der);
    if (isParseError(candidate) || candidate.subjectCanonical !== signer.issuerCanonical) continue;
    if ((await checker.signs(candidate, signer))?.ok) return candidate;
  }
  return null;
}

const MAX_ISSUER_CHECKS = 8;

/**
 * The certificates whose revocation the verifier checks (checkPathRevocation: all but the last). For a
 * pinned signer whose revocation can mean anything (`namesRevocationSources`), [signer, its carried
 * issuer], so that the signer is checked against its issuer's CRLs and OCSP answers like any signer;
 * otherwise the path as it is (a pinned signer alone: nothing to check, as for a root).
 */
export async function revocationPathOf(
  outcome: PathOutcome,
  bag: readonly Uint8Array[],
  subtle: SubtleCrypto,
): Promise<ParsedCertificate[]> {
  const signer = outcome.path[0];
  if (
    outcome.status === 'no_anchor' ||
    outcome.anchor.kind !== 'signer' ||
    outcome.path.length !== 1 ||
    !signer
  )
    return outcome.path;
  if (!namesRevocationSources(signer)) return outcome.path;
  const issuer = await carriedIssuer(
    signer,
    bag.filter((der) => der !== signer.der),
    subtle,
  );
  return issuer ? [signer, issuer] : outcome.path;
}
