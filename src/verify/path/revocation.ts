import type { ParsedCertificate } from '../certificate';
import { type Reason, reason } from '../reasons';
import type { ParsedCrl } from './crl';
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
 * Not supported, so never relied on: delta CRLs and indirect CRLs.
 */

const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8];
const REMOVE_FROM_CRL = 8;
const MAX_SIGNER_DEPTH = 2;

export interface RevocationContext {
  crls: ParsedCrl[];
  /** Other certificates the request carries (intermediates and anchor certificates). */
  pool: ParsedCertificate[];
  time: Date;
  checker: SignatureChecker;
}

type Status = { kind: 'good' } | { kind: 'revoked'; date: Date } | { kind: 'unknown'; why: string[] };

export async function checkRevocation(path: ParsedCertificate[], rc: RevocationContext): Promise<Reason[]> {
  const out: Reason[] = [];
  for (let k = 0; k < path.length - 1; k++) {
    const cert = path[k] as ParsedCertificate;
    const status = await statusOf(cert, path.slice(k + 1), rc, 0);
    if (status.kind === 'revoked') {
      out.push(
        reason(
          'CERT_REVOKED',
          `"${cert.subject}" (serial ${cert.serialHex}) was revoked at ${status.date.toISOString()}`,
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

/** Whether the CRL's scope (issuingDistributionPoint) covers `cert`; a reason string when not. */
function scopeProblem(crl: ParsedCrl, cert: ParsedCertificate): string | null {
  const idp = crl.idp;
  const dps = cert.extensions.crlDistributionPoints;
  if (dps?.some((dp) => dp.crlIssuer !== null)) return 'the certificate names an indirect CRL issuer';
  if (!idp) return null;
  const isCa = cert.extensions.basicConstraints?.cA === true;
  if (idp.onlyContainsAttributeCerts) return 'the CRL covers attribute certificates only';
  if (idp.onlyContainsUserCerts && isCa) return 'the CRL covers end-entity certificates only';
  if (idp.onlyContainsCACerts && !isCa) return 'the CRL covers CA certificates only';
  if (idp.indirectCrl) return 'indirect CRLs are not supported';
  const idpNames = namesOfDp(idp.fullName, idp.relativeName, crl.issuerName);
  if (idpNames.length > 0) {
    if (!dps) return "the CRL's distribution point is not one the certificate names";
    const certNames = new Set(dps.flatMap((dp) => namesOfDp(dp.fullName, dp.relativeName, cert.issuerName)));
    if (!idpNames.some((n) => certNames.has(n)))
      return "the CRL's distribution point is not one the certificate names";
  }
  return null;
}

async function statusOf(
  cert: ParsedCertificate,
  above: ParsedCertificate[],
  rc: RevocationContext,
  depth: number,
): Promise<Status> {
  const why: string[] = [];
  const covered = new Set<number>();
  for (const crl of rc.crls) {
    if (crl.issuerName.canonical !== cert.issuerCanonical) continue;
    if (crl.baseCrlNumber !== null) continue;
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
    const signer = await findSigner(crl, above, rc, depth, why);
    if (!signer) continue;
    for (const r of crl.idp?.onlySomeReasons ?? ALL_REASONS) covered.add(r);
    const entry = crl.revoked.get(cert.serialHex);
    if (entry && entry.reasonCode !== REMOVE_FROM_CRL) return { kind: 'revoked', date: entry.revocationDate };
  }
  if (ALL_REASONS.every((r) => covered.has(r))) return { kind: 'good' };
  if (covered.size > 0) why.push('the usable CRLs cover only some revocation reasons');
  return { kind: 'unknown', why };
}

async function findSigner(
  crl: ParsedCrl,
  above: ParsedCertificate[],
  rc: RevocationContext,
  depth: number,
  why: string[],
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
    const outcome = await rc.checker.verify(signer.spkiSha256Hex, `crl:${crl.sha256Hex}`, {
      spki: signer.spki,
      algorithm: crl.signatureAlgorithm,
      data: crl.tbs,
      signature: crl.signatureValue,
    });
    if (!outcome?.ok) {
      if (outcome) why.push(`a CRL's signature does not verify under "${signer.subject}"`);
      continue;
    }
    const onPath = above.findIndex((c) => c.sha256Hex === signer.sha256Hex);
    if (onPath >= 0) return signer;
    if (await offPathSignerTrusted(signer, above, rc, depth, why)) return signer;
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
    const outcome = await rc.checker.verify(issuer.spkiSha256Hex, signer.sha256Hex, {
      spki: issuer.spki,
      algorithm: signer.signatureAlgorithm,
      data: signer.tbs,
      signature: signer.signatureValue,
    });
    if (!outcome?.ok) continue;
    const status = await statusOf(signer, above.slice(j), rc, depth + 1);
    if (status.kind === 'good') return true;
    why.push(
      status.kind === 'revoked'
        ? `CRL signer "${signer.subject}" is revoked`
        : `CRL signer "${signer.subject}" has no usable CRL`,
    );
  }
  return false;
}
