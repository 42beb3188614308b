import { bytesEqual } from '../../encoding';
import type { ParsedCertificate } from '../certificate';
import { type Reason, reason } from '../reasons';
import { checkPublicKeyPolicy } from '../signature';
import { rsaModulusProblem } from './key-profile';
import { subtreeSyntaxError } from './name-syntax';

/**
 * What a trust anchor's own certificate is held to.
 *
 * - `certificate` (the path validator's default, what x509-limbo and PKITS expect): the anchor certificate
 *   is checked like a CA in the path: its RFC 5280 profile (a critical AKI/SKI, a non-critical
 *   basicConstraints or nameConstraints, a missing subjectKeyIdentifier, an AKI that does not name its own
 *   key), its unknown critical extensions, its key and its CA-ness.
 * - `name-and-key` (the code-signing service: RFC 5280 §6.1.1(d) takes only a trust anchor's name and
 *   key): the anchor certificate's own profile problems and unknown critical extensions do not stop it
 *   anchoring (Debian's Secure Boot CA carries a critical Netscape cert-type extension). Still applied,
 *   as documented in docs/policy.md: its key (algorithm policy, RSA modulus), basicConstraints cA (a root
 *   is a CA; a certificate trusted as the signer itself is a pinned signer), keyCertSign when it has a
 *   keyUsage, and the constraints it carries below it (name constraints, which must then be readable;
 *   pathLenConstraint; extKeyUsage chaining). Its validity period is checked by the path at the
 *   validation time, outside this function.
 */
export type AnchorChecks = 'certificate' | 'name-and-key';

export interface AnchorCheckOptions {
  checks: AnchorChecks;
  allowDsa?: boolean;
  /** How the anchor is named in messages (default `anchor "<subject>"`). */
  who?: string;
}

/**
 * Why the anchor certificate itself fails, whatever the path below it and whatever the time, in the order
 * the path validator reports them. Shared by path validation and the admin API's root proposal
 * (src/trust/root-proposal.ts), so that a root an admin can approve anchors, and one refused here is
 * refused there.
 */
export function anchorCertificateReasons(cert: ParsedCertificate, options: AnchorCheckOptions): Reason[] {
  const who = options.who ?? `anchor "${cert.subject}"`;
  const strict = options.checks === 'certificate';
  const ext = cert.extensions;
  const out: Reason[] = [];
  if (strict) {
    for (const problem of cert.profileProblems) out.push(reason('CERT_MALFORMED', `${who}: ${problem}`));
    for (const oid of cert.unknownCriticalExtensions) {
      out.push(reason('UNKNOWN_CRITICAL_EXTENSION', `${who} has an unknown critical extension ${oid}`));
    }
  } else {
    // The anchor's name constraints are applied below it: a constraint that cannot be read cannot be.
    const nc = ext.nameConstraints;
    for (const subtree of [...(nc?.permitted ?? []), ...(nc?.excluded ?? [])]) {
      const error = subtreeSyntaxError(subtree.base);
      if (error) out.push(reason('CERT_MALFORMED', `${who}: nameConstraints: ${error}`));
    }
  }
  const keyProblem = checkPublicKeyPolicy(cert.spki, { allowDsa: options.allowDsa === true });
  if (keyProblem) out.push({ code: keyProblem.code, message: `${who}: ${keyProblem.message}` });
  if (strict) out.push(...akiProfile(cert, who));
  const rsaProblem = rsaModulusProblem(cert.spki);
  if (rsaProblem) out.push(reason('WEAK_RSA_KEY', `${who}: ${rsaProblem}`));
  const bc = ext.basicConstraints;
  if (!bc?.cA) {
    out.push(reason('NOT_A_CA', `${who} issues certificates but is not a CA (basicConstraints cA)`));
  } else if (strict && !bc.critical) {
    out.push(reason('CERT_MALFORMED', `${who} has a non-critical basicConstraints (RFC 5280 4.2.1.9)`));
  }
  if (ext.keyUsage && !ext.keyUsage.has('keyCertSign')) {
    out.push(reason('CA_KEY_USAGE_MISSING', `${who} keyUsage lacks keyCertSign`));
  }
  if (strict && !ext.subjectKeyIdentifier) {
    out.push(reason('CERT_MALFORMED', `${who} has no subjectKeyIdentifier (RFC 5280 4.2.1.2)`));
  }
  return out;
}

/**
 * A self-signed anchor's authorityKeyIdentifier, if present, names its own key and nothing else
 * (CABF BR 7.1.2.1.3); anything else is a sign of a mis-made root.
 */
function akiProfile(cert: ParsedCertificate, who: string): Reason[] {
  const aki = cert.extensions.authorityKeyIdentifier;
  if (!aki || !cert.selfIssued) return [];
  const ski = cert.extensions.subjectKeyIdentifier;
  if (aki.authorityCertIssuer || aki.authorityCertSerialNumber) {
    return [reason('CERT_MALFORMED', `${who} authorityKeyIdentifier names an issuer and serial`)];
  }
  if (!aki.keyIdentifier)
    return [reason('CERT_MALFORMED', `${who} authorityKeyIdentifier has no keyIdentifier`)];
  if (ski && !bytesEqual(aki.keyIdentifier, ski)) {
    return [reason('CERT_MALFORMED', `${who} authorityKeyIdentifier differs from its subjectKeyIdentifier`)];
  }
  return [];
}
