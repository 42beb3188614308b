import type { ParsedCertificate } from '../certificate';
import type { OcspStatus } from '../ocsp';
import { type Reason, reason } from '../reasons';
import type { KnownRevocation } from '../revocation-memory';
import { CRL_REASON, type ParsedCrl, type RevokedEntry, revokedKey, revokesAt } from './crl';
import type { DistributionPoint } from './extensions';
import type { GeneralName } from './general-names';
import { canonicalWithRdn } from './names';
import type { SignatureChecker } from './signature-checker';

/**
 * Revocation checking (RFC 5280 §6.3) for every certificate of a path below the anchor.
 *
 * Revoked stays revoked: a certificate is revoked when any CRL that speaks for it lists it (certificateHold
 * only until a newer CRL lifts the hold) or when a remembered revocation names it, whether that CRL is
 * fresh or stale, complete or delta, or otherwise unfit to vouch for anything (a duplicate entry, an
 * unknown critical extension): a CA-signed statement that a certificate is revoked is never outweighed by
 * a later, older or partial one. A CRL "speaks for" a certificate when its issuer name is the certificate's
 * issuer (or it is an indirect CRL the certificate names), its issuingDistributionPoint scope covers the
 * certificate, and its signature checks under a certificate of that name whose keyUsage (if present)
 * asserts cRLSign: the certificate's issuer, another certificate of the path above it (key rollover), or a
 * certificate issued by one of those, valid at `time` and itself not revoked.
 *
 * Not revoked is only ever "good" when complete CRLs that are current at `time` cover all revocation
 * reasons: thisUpdate <= time <= nextUpdate, or, for a CRL without nextUpdate, time within
 * MAX_CRL_AGE_WITHOUT_NEXT_UPDATE_MS of thisUpdate; with a CRLNumber, no unknown critical extension and
 * no duplicate entry. Otherwise the status is unknown (REVOCATION_UNAVAILABLE), which the vendor's policy
 * turns into a warning or a rejection.
 */

/** A CRL without nextUpdate (allowed by X.509, not by RFC 5280's profile) counts as current this long. */
export const MAX_CRL_AGE_WITHOUT_NEXT_UPDATE_MS = 7 * 24 * 60 * 60_000;

const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8];
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
  /** Revocations remembered from earlier CRLs, by `revokedKey(issuer, serial)`. */
  known?: ReadonlyMap<string, readonly KnownRevocation[]>;
  /** Filled with every CRL whose signature checked against the path (its entries may be remembered). */
  verified?: Set<ParsedCrl>;
  /**
   * The OCSP status of a certificate of the path given its issuer (RFC 6960), or null when there is no
   * response to read; asked for each certificate that no CRL shows revoked.
   */
  ocsp?: (cert: ParsedCertificate, issuer: ParsedCertificate) => Promise<OcspStatus | null>;
  /** Filled with the revocations of the path's certificates that CRLs and OCSP responses established. */
  learned?: KnownRevocation[];
}

type Status =
  | { kind: 'good' }
  | { kind: 'revoked'; date: Date; reasonCode: number | null; source?: string }
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
    let status = await statusOf(cert, path.slice(k + 1), rc, 0);
    if (status.kind !== 'revoked' && rc.ocsp) status = combine(status, await ocspOf(cert, path[k + 1], rc));
    if (status.kind === 'revoked') {
      out.push(
        reason(
          'CERT_REVOKED',
          `"${cert.subject}" (serial ${cert.serialHex}) was revoked at ${status.date.toISOString()}` +
            (status.reasonCode !== null ? ` (${REASON_NAMES[status.reasonCode] ?? status.reasonCode})` : '') +
            (status.source ? ` (${status.source})` : ''),
        ),
      );
    } else if (status.kind === 'unknown') {
      const why = status.why.length > 0 ? `: ${status.why.slice(0, 3).join('; ')}` : '';
      out.push(
        reason('REVOCATION_UNAVAILABLE', `no usable CRL or OCSP response covers "${cert.subject}"${why}`),
      );
    }
  }
  return out;
}

/** The OCSP status of a certificate, as a Status: a revocation counts by the same date rule as a CRL's. */
async function ocspOf(
  cert: ParsedCertificate,
  issuer: ParsedCertificate | undefined,
  rc: RevocationContext,
): Promise<Status | null> {
  if (!issuer || !rc.ocsp) return null;
  const status = await rc.ocsp(cert, issuer);
  if (!status) return null;
  if (status.kind === 'good') return { kind: 'good' };
  if (status.kind === 'unknown') return { kind: 'unknown', why: status.why.map((w) => `OCSP: ${w}`) };
  rc.learned?.push({
    issuer: cert.issuerCanonical,
    serial: cert.serialHex,
    reasonCode: status.reasonCode,
    revocationDate: status.date,
    evidenceSha256: status.evidenceSha256,
  });
  if (!revokesAt({ revocationDate: status.date, reasonCode: status.reasonCode }, rc.validationTime)) {
    return { kind: 'good' };
  }
  return { kind: 'revoked', date: status.date, reasonCode: status.reasonCode, source: 'OCSP' };
}

/** CRLs and OCSP together: revoked if either says so, good if either vouches, else unknown with both whys. */
function combine(crl: Status, ocsp: Status | null): Status {
  if (!ocsp) return crl;
  if (ocsp.kind === 'revoked' || crl.kind === 'revoked') return ocsp.kind === 'revoked' ? ocsp : crl;
  if (crl.kind === 'good' || ocsp.kind === 'good') return { kind: 'good' };
  return { kind: 'unknown', why: [...crl.why, ...(ocsp.kind === 'unknown' ? ocsp.why : [])] };
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
  const key = revokedKey(cert.issuerCanonical, cert.serialHex);
  const listings: Array<{ crl: ParsedCrl; entry: RevokedEntry }> = [];
  const checked: ParsedCrl[] = [];
  for (const crl of rc.crls) {
    const direct = crl.issuerName.canonical === cert.issuerCanonical;
    if (!direct && !crl.idp?.indirectCrl) continue;
    const scope = scopeProblem(crl, cert);
    // The certificate's own issuer revokes its certificates whatever distribution point a CRL is for;
    // scope decides only what a CRL vouches for (and whether an indirect CRL may speak at all).
    if (scope && !direct) {
      why.push(scope);
      continue;
    }
    const entry = crl.revoked.get(key);
    const unfit = scope ?? coverageProblem(crl, rc.time);
    // A CRL that neither lists the certificate nor could vouch for it says nothing of it: it is not worth
    // a signature check (so old CRLs, however many, cost nothing).
    if (!entry && unfit) {
      why.push(unfit);
      continue;
    }
    const revoking = entry !== undefined;
    const signer = await findSigner(crl, { above, rc, depth, why, verifying, revoking });
    if (!signer) continue;
    rc.verified?.add(crl);
    checked.push(crl);
    if (entry) {
      listings.push({ crl, entry });
      if (entry.reasonCode !== CRL_REASON.certificateHold && entry.reasonCode !== CRL_REASON.removeFromCRL) {
        rc.learned?.push({
          issuer: cert.issuerCanonical,
          serial: cert.serialHex,
          reasonCode: entry.reasonCode,
          revocationDate: entry.revocationDate,
          evidenceSha256: crl.sha256Hex,
        });
      }
    }
    if (unfit) {
      why.push(unfit);
      continue;
    }
    for (const r of crl.idp?.onlySomeReasons ?? ALL_REASONS) covered.add(r);
  }
  const revoking: Array<{ revocationDate: Date; reasonCode: number | null }> = [
    ...listings
      .filter(
        ({ crl, entry }) =>
          !(entry.reasonCode === CRL_REASON.certificateHold && holdLifted(crl, key, checked, rc.time)),
      )
      .map(({ entry }) => entry),
    ...(rc.known?.get(key) ?? []),
  ].filter((entry) => revokesAt(entry, rc.validationTime));
  const first = revoking.sort((x, y) => x.revocationDate.getTime() - y.revocationDate.getTime())[0];
  if (first) return { kind: 'revoked', date: first.revocationDate, reasonCode: first.reasonCode };
  if (ALL_REASONS.every((r) => covered.has(r))) return { kind: 'good' };
  if (covered.size > 0) why.push('the usable CRLs cover only some revocation reasons');
  return { kind: 'unknown', why };
}

/** Why a CRL that speaks for a certificate cannot vouch that it is not revoked at `time`, or null. */
function coverageProblem(crl: ParsedCrl, time: Date): string | null {
  if (crl.unusable) return crl.unusable;
  if (crl.baseCrlNumber !== null) return 'a delta CRL alone does not cover a certificate';
  return stalenessOf(crl, time);
}

/** Why a CRL is not current at `time` (thisUpdate <= time <= nextUpdate or the maximum age), or null. */
function stalenessOf(crl: ParsedCrl, time: Date): string | null {
  if (crl.thisUpdate > time) return `a CRL is not valid before ${crl.thisUpdate.toISOString()}`;
  const expires = crl.nextUpdate ?? new Date(crl.thisUpdate.getTime() + MAX_CRL_AGE_WITHOUT_NEXT_UPDATE_MS);
  if (expires < time) {
    return crl.nextUpdate
      ? `a CRL expired at ${expires.toISOString()}`
      : `a CRL without nextUpdate is older than ${MAX_CRL_AGE_WITHOUT_NEXT_UPDATE_MS / 86_400_000} days`;
  }
  return null;
}

/**
 * Whether a certificateHold listed in `holding` was lifted by a later CRL of the same issuer and scope
 * (CRL numbers only compare within one scope, RFC 5280 §5.2.3) that is itself current, covers the
 * certificateHold reason and verified against the path: a delta on the holding CRL's numbering that says
 * removeFromCRL, or a complete CRL that no longer lists the certificate.
 */
function holdLifted(holding: ParsedCrl, key: string, checked: ParsedCrl[], time: Date): boolean {
  return checked.some((crl) => {
    if (crl === holding || crl.issuerName.canonical !== holding.issuerName.canonical) return false;
    if (scopeKey(crl) !== scopeKey(holding) || !isNewer(crl, holding) || stalenessOf(crl, time)) return false;
    if (crl.unusable) return false;
    if (crl.idp?.onlySomeReasons && !crl.idp.onlySomeReasons.has(CRL_REASON.certificateHold)) return false;
    const entry = crl.revoked.get(key);
    if (crl.baseCrlNumber !== null) return entry?.reasonCode === CRL_REASON.removeFromCRL;
    return entry === undefined;
  });
}

/** What makes two CRLs of one issuer one numbering: their issuingDistributionPoint. */
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

/** Issued after `than` (same scope): a higher CRLNumber (RFC 5280 §5.2.3) and a later thisUpdate. */
function isNewer(crl: ParsedCrl, than: ParsedCrl): boolean {
  if (crl.crlNumber === null || than.crlNumber === null) return false;
  return crlNumber(crl.crlNumber) > crlNumber(than.crlNumber) && crl.thisUpdate > than.thisUpdate;
}

/** Where a CRL's signer is looked for and how far it must be trusted. */
interface SignerSearch {
  /** The path from the certificate's issuer up to the anchor. */
  above: ParsedCertificate[];
  rc: RevocationContext;
  depth: number;
  /** Collects why signers were not taken. */
  why: string[];
  /** Certificates whose status is being established further up the call chain. */
  verifying: ReadonlySet<string>;
  /** The CRL lists the certificate: its signer need not be known good (a bad one can only revoke more). */
  revoking: boolean;
}

async function findSigner(crl: ParsedCrl, search: SignerSearch): Promise<ParsedCertificate | null> {
  const { above, rc, why, verifying } = search;
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
    if (await offPathSignerTrusted(signer, search)) return signer;
  }
  if (candidates.length === 0) why.push('no certificate of the CRL issuer is at hand');
  return null;
}

/** A CRL signer that is not on the path must be issued by a path certificate, be valid and not revoked. */
async function offPathSignerTrusted(signer: ParsedCertificate, search: SignerSearch): Promise<boolean> {
  const { above, rc, depth, why, verifying, revoking } = search;
  if (depth >= MAX_SIGNER_DEPTH) return false;
  if (!revoking && (rc.time < signer.notBefore || rc.time > signer.notAfter)) {
    why.push(`CRL signer "${signer.subject}" is not valid at the validation time`);
    return false;
  }
  if (!revoking && signer.unknownCriticalExtensions.length > 0) return false;
  for (let j = 0; j < above.length; j++) {
    const issuer = above[j] as ParsedCertificate;
    if (issuer.subjectCanonical !== signer.issuerCanonical) continue;
    const outcome = await rc.checker.signs(issuer, signer);
    if (!outcome?.ok) continue;
    if (revoking) return true;
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
