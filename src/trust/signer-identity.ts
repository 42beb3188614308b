import { isParseError, parseCertificate, type Reason, type VerifyOutcome } from '../verify';
import { brokenIdentityRules, readIdentityRules, signerIdentityOf } from './identity-rules';
import type { Vendor } from './model';

const mismatch = (message: string): Reason => ({ code: 'SIGNER_IDENTITY_MISMATCH', message });

/**
 * Applies the vendor's signer identity rules to an outcome whose path reached one of the vendor's roots:
 * a signer that breaks a rule turns `trusted` into `rejected` (SIGNER_IDENTITY_MISMATCH, one reason per
 * broken rule). A vendor without rules is unaffected. Fails closed: a signer certificate that cannot be
 * read, or rules that do not parse, are a mismatch too.
 */
export function applySignerIdentityRules(vendor: Vendor, outcome: VerifyOutcome): VerifyOutcome {
  if (vendor.identityRules.length === 0 || outcome.anchorId === null || outcome.signer === null)
    return outcome;
  const rules = readIdentityRules(vendor.identityRules);
  let reasons: Reason[];
  if (!rules.ok) {
    reasons = [mismatch(rules.detail)];
  } else {
    const parsed = outcome.signerDer ? parseCertificate(outcome.signerDer) : null;
    const certificate = parsed && !isParseError(parsed) ? parsed : null;
    reasons = certificate
      ? brokenIdentityRules(rules.rules, signerIdentityOf(certificate)).map((broken) =>
          mismatch(`the signer breaks an identity rule of ${vendor.id}: ${broken}`),
        )
      : [mismatch('the signer certificate cannot be read back to check identity rules')];
  }
  if (reasons.length === 0) return outcome;
  return { ...outcome, verdict: 'rejected', reasons: [...outcome.reasons, ...reasons] };
}
