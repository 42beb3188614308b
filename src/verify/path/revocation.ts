import type { ParsedCertificate } from '../certificate';
import { type Reason, reason } from '../reasons';
import { type ParsedCrl, type RevokedEntry, revokedKey } from './crl';
import type { DistributionPoint } from './extensions';
import type { GeneralName } from './general-names';
import { canonicalWithRdn } from './names';
import type { SignatureChecker } from './signature-checker';

/**
 * CRL checking (RFC 5280 §6.3, complete CRLs only) for every certificate of a path below the anchor,
 * used when the request carries CRLs. Policy: when CRLs are supplied, each such certificate must be
 * covered (all revocation reasons) by a usable CRL from its issuer, or the path fails with
 * REVOCATION_UNAVAILABLE; a revoked serial fails it with CERT_REVOKED.
 *
 * A CRL is usable for a certificate when: its issuer name is the certificate's issuer; it is within
 * thisUpdate/nextUpdate at `time`; it has a CRLNumber that is not critical and no unknown critical
 * extension (CRL or entry); its issuingDistributionPoint scope covers the certificate (user/CA/attribute
 * certificates, distribution point names); and it is signed by a certificate of that name whose keyUsage
 * (if present) asserts cRLSign: the certificate's issuer, another certificate of the path above it
 * (key rollover), or a certificate issued by one of those, valid at `time` and itself not revoked.
 * Delta CRLs are applied on top of the complete CRL they extend (removeFromCRL un-revokes); indirect
 * CRLs are used for certificates whose distribution point names their issuer as cRLIssuer.
 */

const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8];
const REMOVE_FROM_CRL = 8;
const MAX_SIGNER_DEPTH = 2;

export interface RevocationContext {
  crls: ParsedCrl[];
  /** Other certificates the request carries (intermediates and anchor certificates). */
  pool: ParsedCertificate[];
  /** When CRLs (and an off-path CRL signer) must be current. */
  time: Date;
  /** The path's validation time: the instant the question "was it revoked?" is about. */
  validationTime: Date;
  checker: SignatureChecker;
}

/**
 * CRL reasons that do not suggest the key was compromised: a revocation dated after the validation time
 * for one of these does not affect what was signed before (a timestamped signature). Any other reason
 * (unspecified, keyCompromise, cACompromise, certificateHold, aACompromise, or none) revokes whatever
 * the date, since a compromise may predate the day it was reported.
 */
const NO_COMPROMISE_REASONS: ReadonlySet<number> = new Set([3, 4, 5, 9]);

function revokedAt(entry: RevokedEntry, validationTime: Date): boolean {
  if (entry.reasonCode === REMOVE_FROM_CRL) return false;
  if (entry.revocationDate > validationTime && entry.reasonCode !== null) {
    return !NO_COMPROMISE_REASONS.has(entry.reasonCode);
  }
  return true;
}

type Status =
  | { kind: 'good' }
  | { kind: 'revoked'; date: Date; reasonCode: number | null }
  | { kind: 'unknown'; why: string[] };

const REASON_NAMES = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  '(unused)',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export async function checkRevocation(path: ParsedCertificate[], rc: RevocationContext): Promise<Reason[]> {
  const out: Reason[] = [];
  for (let k = 0; k < path.length - 1; k++) {
    const cert = path[k] as ParsedCertificate;
    const status = await statusOf(cert, path.slice(k + 1), rc, 0);
    if (status.kind === 'revoked') {
      out.push(
        reason(
          'CERT_REVOKED',
          `"${cert.subject}" (serial ${cert.serialHex}) was revoked at ${status.date.toISOString()}` +
            (status.reasonCode !== null ? ` (${REASON_NAMES[status.reasonCode] ?? status.reasonCode})` : ''),
        ),
      );
    } else if (status.kind === 'unknown') {
      const why = status.why.length > 0 ? `: ${status.why.slice(0, 3).join('; ')}` : '';
      out.push(reason('REVOCATION_UNAVAILABLE', `no usable CRL covers "${cert.subject}"${why}`));
    }
  }
  return out;
}

function namesOfDp(
  fullName: GeneralName[] | null,
  relativeName: string | null,
  base: ParsedCertificate['issuerName'],
): string[] {
  if (fullName) return fullName.map(nameKey);
  if (relativeName !== null) return [`dn:${canonicalWithRdn(base, relativeName)}`];
  return [];
}

function nameKey(name: GeneralName): string {
  switch (name.kind) {
    case 'directoryName':
      return `dn:${name.name.canonical}`;
    case 'dns':
      return `dns:${name.value.toLowerCase()}`;
    case 'uri':
    case 'rfc822':
      return `${name.kind}:${name.value}`;
    case 'ip':
      return `ip:${Array.from(name.bytes).join('.')}`;
    default:
      return `${name.kind}:?`;
  }
}

/** Directory names of a DistributionPoint's cRLIssuer, or null when it has none. */
function crlIssuersOf(dp: DistributionPoint): string[] | null {
  if (!dp.crlIssuer) return null;
  return dp.crlIssuer.flatMap((n) => (n.kind === 'directoryName' ? [n.name.canonical] : []));
}

/**
 * Whether the CRL is the certificate's to consult and its scope covers it (RFC 5280 6.3.3 (b)): a direct
 * CRL from the certificate's issuer, or an indirect CRL from a cRLIssuer the certificate names; the
 * issuingDistributionPoint's name must match one of the certificate's distribution points and its
 * user / CA / attribute-certificate restrictions must admit the certificate. A reason string when not.
 */
function scopeProblem(crl: ParsedCrl, cert: ParsedCertificate): string | null {
  const idp = crl.idp;
  const direct = crl.issuerName.canonical === cert.issuerCanonical;
  const dps = cert.extensions.crlDistributionPoints ?? [];
  const idpNames = idp ? namesOfDp(idp.fullName, idp.relativeName, crl.issuerName) : [];
  const matching = dps.filter((dp) => {
    const issuers = crlIssuersOf(dp);
    if (issuers ? !issuers.includes(crl.issuerName.canonical) : !direct) return false;
    if (idpNames.length === 0) return true;
    const base = dp.crlIssuer?.find((n) => n.kind === 'directoryName');
    const names =
      dp.fullName || dp.relativeName !== null
        ? namesOfDp(
            dp.fullName,
            dp.relativeName,
            base?.kind === 'directoryName' ? base.name : cert.issuerName,
          )
        : (dp.crlIssuer ?? []).map(nameKey);
    return idpNames.some((n) => names.includes(n));
  });
  const viaIndirect = matching.some((dp) => dp.crlIssuer !== null);
  if (viaIndirect && !idp?.indirectCrl)
    return 'the CRL issuer named by the certificate does not issue an indirect CRL';
  if (!direct && !viaIndirect) return 'the CRL is from another issuer';
  if (matching.length === 0 && (dps.length > 0 || idpNames.length > 0)) {
    return "the CRL's distribution point is not one the certificate names";
  }
  if (!idp) return null;
  const isCa = cert.extensions.basicConstraints?.cA === true;
  if (idp.onlyContainsAttributeCerts) return 'the CRL covers attribute certificates only';
  if (idp.onlyContainsUserCerts && isCa) return 'the CRL covers end-entity certificates only';
  if (idp.onlyContainsCACerts && !isCa) return 'the CRL covers CA certificates only';
  return null;
}

async function statusOf(
  cert: ParsedCertificate,
  above: ParsedCertificate[],
  rc: RevocationContext,
  depth: number,
  verifying: ReadonlySet<string> = new Set(),
): Promise<Status> {
  const why: string[] = [];
  const covered = new Set<number>();
  for (const crl of rc.crls) {
    if (crl.baseCrlNumber !== null) continue;
    if (crl.issuerName.canonical !== cert.issuerCanonical && !crl.idp?.indirectCrl) continue;
    if (crl.unusable) {
      why.push(crl.unusable);
      continue;
    }
    const scope = scopeProblem(crl, cert);
    if (scope) {
      why.push(scope);
      continue;
    }
    if (crl.thisUpdate > rc.time) {
      why.push(`a CRL is not valid before ${crl.thisUpdate.toISOString()}`);
      continue;
    }
    if (crl.nextUpdate && crl.nextUpdate < rc.time) {
      why.push(`a CRL expired at ${crl.nextUpdate.toISOString()}`);
      continue;
    }
    const signer = await findSigner(crl, above, rc, depth, why, verifying);
    if (!signer) continue;
    const delta = await deltaFor(crl, signer, rc);
    if (delta === 'stale') {
      why.push('the delta CRL for a complete CRL has expired');
      continue;
    }
    for (const r of crl.idp?.onlySomeReasons ?? ALL_REASONS) covered.add(r);
    const key = revokedKey(cert.issuerCanonical, cert.serialHex);
    // The newest word wins: a delta entry (removeFromCRL included) overrides the complete CRL's.
    const entry = delta?.revoked.get(key) ?? crl.revoked.get(key);
    if (entry && revokedAt(entry, rc.validationTime)) {
      return { kind: 'revoked', date: entry.revocationDate, reasonCode: entry.reasonCode };
    }
  }
  if (ALL_REASONS.every((r) => covered.has(r))) return { kind: 'good' };
  if (covered.size > 0) why.push('the usable CRLs cover only some revocation reasons');
  return { kind: 'unknown', why };
}

function scopeKey(crl: ParsedCrl): string {
  const idp = crl.idp;
  if (!idp) return '';
  return JSON.stringify({
    ...idp,
    fullName: idp.fullName?.map(nameKey) ?? null,
    onlySomeReasons: idp.onlySomeReasons ? [...idp.onlySomeReasons].sort() : null,
  });
}

const crlNumber = (hex: string): bigint => BigInt(`0x${hex || '0'}`);

/**
 * The newest delta CRL (RFC 5280 5.2.4) that applies to a complete CRL: same issuer and scope, signed
 * by the same key, BaseCRLNumber not above the complete CRL's number and a newer CRLNumber of its own.
 * 'stale' when the newest such delta is past its nextUpdate.
 */
async function deltaFor(
  complete: ParsedCrl,
  signer: ParsedCertificate,
  rc: RevocationContext,
): Promise<ParsedCrl | 'stale' | null> {
  if (complete.crlNumber === null) return null;
  const base = crlNumber(complete.crlNumber);
  let best: ParsedCrl | null = null;
  for (const d of rc.crls) {
    if (d.baseCrlNumber === null || d.unusable || d.crlNumber === null) continue;
    if (d.issuerName.canonical !== complete.issuerName.canonical || scopeKey(d) !== scopeKey(complete))
      continue;
    if (crlNumber(d.baseCrlNumber) > base || crlNumber(d.crlNumber) <= base) continue;
    if (d.thisUpdate > rc.time) continue;
    const outcome = await rc.checker.signsCrl(signer, d);
    if (!outcome?.ok) continue;
    if (!best || crlNumber(d.crlNumber) > crlNumber(best.crlNumber ?? '')) best = d;
  }
  if (best?.nextUpdate && best.nextUpdate < rc.time) return 'stale';
  return best;
}

async function findSigner(
  crl: ParsedCrl,
  above: ParsedCertificate[],
  rc: RevocationContext,
  depth: number,
  why: string[],
  verifying: ReadonlySet<string>,
): Promise<ParsedCertificate | null> {
  const seen = new Set<string>();
  const candidates = [...above, ...rc.pool].filter((c) => {
    if (c.subjectCanonical !== crl.issuerName.canonical || seen.has(c.sha256Hex)) return false;
    seen.add(c.sha256Hex);
    return true;
  });
  for (const signer of candidates) {
    if (signer.extensions.keyUsage && !signer.extensions.keyUsage.has('cRLSign')) {
      why.push(`"${signer.subject}" may not sign CRLs (keyUsage lacks cRLSign)`);
      continue;
    }
    const outcome = await rc.checker.signsCrl(signer, crl);
    if (!outcome?.ok) {
      if (outcome) why.push(`a CRL's signature does not verify under "${signer.subject}"`);
      continue;
    }
    const onPath = above.findIndex((c) => c.sha256Hex === signer.sha256Hex);
    if (onPath >= 0) return signer;
    // A CRL signer whose own status is being established from this very CRL (an indirect CRL that
    // covers its issuer's certificates, its own included): its path is being checked by the caller.
    if (verifying.has(signer.sha256Hex)) return signer;
    if (await offPathSignerTrusted(signer, above, rc, depth, why, verifying)) return signer;
  }
  if (candidates.length === 0) why.push('no certificate of the CRL issuer is at hand');
  return null;
}

/** A CRL signer that is not on the path must be issued by a path certificate, be valid and not revoked. */
async function offPathSignerTrusted(
  signer: ParsedCertificate,
  above: ParsedCertificate[],
  rc: RevocationContext,
  depth: number,
  why: string[],
  verifying: ReadonlySet<string>,
): Promise<boolean> {
  if (depth >= MAX_SIGNER_DEPTH) return false;
  if (rc.time < signer.notBefore || rc.time > signer.notAfter) {
    why.push(`CRL signer "${signer.subject}" is not valid at the validation time`);
    return false;
  }
  if (signer.unknownCriticalExtensions.length > 0) return false;
  for (let j = 0; j < above.length; j++) {
    const issuer = above[j] as ParsedCertificate;
    if (issuer.subjectCanonical !== signer.issuerCanonical) continue;
    const outcome = await rc.checker.signs(issuer, signer);
    if (!outcome?.ok) continue;
    const status = await statusOf(
      signer,
      above.slice(j),
      rc,
      depth + 1,
      new Set([...verifying, signer.sha256Hex]),
    );
    if (status.kind === 'good') return true;
    why.push(
      status.kind === 'revoked'
        ? `CRL signer "${signer.subject}" is revoked`
        : `CRL signer "${signer.subject}" has no usable CRL`,
    );
  }
  return false;
}
