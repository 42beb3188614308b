/**
 * Certificate path building and validation: the public surface of `verify/path`.
 *
 * `buildAndValidatePath` builds candidate paths from the leaf through the given intermediates to one of
 * the anchors (backtracking, bounded by `limits`) and validates each per RFC 5280 §6.1 for what code
 * signing needs (see validate.ts, policies.ts, revocation.ts). Time, anchors and crypto (`subtle`) are
 * arguments; nothing here does I/O.
 *
 * Defaults (DEFAULT_LIMITS): `maxDepth` 8 intermediates that are not self-issued (plus up to 4
 * self-issued ones), 64 signature checks (certificates and CRLs together), 64 paths tried (each
 * extension by an intermediate and each complete path validated counts one),
 * 65 536 name-constraint comparisons per path.
 */
import { isParseError, type ParsedCertificate, parseCertificate } from '../certificate';
import type { Reason } from '../reasons';
import { type AnchorEntry, buildPath } from './build';
import { type ParsedCrl, parseCrl } from './crl';
import { checkPolicies } from './policies';
import { checkRevocation } from './revocation';
import { SignatureChecker } from './signature-checker';
import { DEFAULT_LIMITS, type PathLimits, type PathOutcome, type PathRequest } from './types';
import { flooredTime, type ValidationContext } from './validate';

export type { ParsedCertificate } from '../certificate';
export { type AnchorChecks, anchorCertificateReasons } from './anchor-checks';
// Helpers other verify/ modules use (CRL uploads, name comparison, time at the path's grain).
export { type ParsedCrl, parseCrl } from './crl';
export { parseName, type X500Name } from './names';
export type { PathAnchor, PathLimits, PathOutcome, PathPolicyInput, PathRequest } from './types';
export { DEFAULT_LIMITS } from './types';
export { flooredTime } from './validate';

function effectiveLimits(limits: PathLimits | undefined): Required<PathLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(out) as Array<keyof PathLimits>) {
    const value = limits?.[key];
    if (value !== undefined && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}

export async function buildAndValidatePath(req: PathRequest): Promise<PathOutcome> {
  const leaf = parseCertificate(req.leaf);
  if (isParseError(leaf)) return { status: 'no_anchor', path: [], reasons: [leaf.error] };

  // Certificates that cannot be read take no part in building; if no anchor is reached, they are
  // reported (an unreadable certificate in the envelope, or a broken anchor, is a diagnostic, not an
  // unknown root).
  const unreadable: Reason[] = [];
  const anchors: AnchorEntry[] = [];
  for (const anchor of req.anchors) {
    // A pinned signer vouches for its own signatures only (verify/pinned-signer.ts), never for a path.
    if (anchor.kind === 'signer') continue;
    const cert = parseCertificate(anchor.der, { trustAnchor: true });
    if (!isParseError(cert)) anchors.push({ anchor, cert });
    else
      unreadable.push({
        code: cert.error.code,
        message: `anchor ${anchor.id} cannot be used: ${cert.error.message}`,
      });
  }
  const intermediates: ParsedCertificate[] = [];
  const seen = new Set<string>([leaf.sha256Hex]);
  req.intermediates.forEach((der, index) => {
    const cert = parseCertificate(der);
    if (isParseError(cert)) {
      unreadable.push({
        code: cert.error.code,
        message: `intermediate certificate #${index + 1} cannot be used: ${cert.error.message}`,
      });
      return;
    }
    if (seen.has(cert.sha256Hex)) return;
    seen.add(cert.sha256Hex);
    intermediates.push(cert);
  });

  const limits = effectiveLimits(req.limits);
  const checker = new SignatureChecker(req.subtle, limits.maxSignatureChecks, {
    allowDsa: req.allowDsa === true,
  });
  const time = flooredTime(req.time);
  const ctx: ValidationContext = {
    req,
    time,
    nameConstraintBudget: limits.maxNameConstraintChecks,
    extraChecks: [(path) => checkPolicies(path, req.policy)],
  };
  if (req.crls) {
    const crls = req.crls.map(parseCrl).filter((c): c is ParsedCrl => c !== null);
    const pool = [...intermediates, ...anchors.map((a) => a.cert)];
    const crlTime = req.revocationTime ? flooredTime(req.revocationTime) : time;
    ctx.extraChecks.push((path) =>
      checkRevocation(path, { crls, pool, time: crlTime, validationTime: time, checker }),
    );
  }
  const outcome = await buildPath(req, ctx, { leaf, anchors, intermediates, limits, checker });
  if (outcome.status === 'no_anchor') outcome.reasons.push(...unreadable.slice(0, 8));
  return outcome;
}
