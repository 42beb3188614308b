import type { ParsedCertificate } from '../certificate';
import { type Reason, reason } from '../reasons';
import { checkPublicKeyPolicy } from '../signature';
import { anchorCertificateReasons } from './anchor-checks';
import { ANY_EKU, type NameConstraints } from './extensions';
import { rsaModulusProblem } from './key-profile';
import { checkNameConstraints, constrainedNames, NameConstraintsBudget } from './name-constraints';
import type { PathAnchor, PathRequest } from './types';

/**
 * RFC 5280 §6.1 validation of one candidate path (leaf first, anchor certificate last), collecting every
 * reason it fails rather than stopping at the first.
 *
 * The anchor certificate's validity at `time` is checked, and what it is held to besides is
 * `req.anchorChecks` (anchor-checks.ts): by default it is validated like a CA in the path; as a name and
 * a key, its own profile problems and unknown critical extensions are set aside. Either way its
 * constraints (pathLenConstraint, name constraints, extKeyUsage) apply below it and its self-signature is
 * not checked. Signatures between path certificates were checked by the builder.
 */
export interface ValidationContext {
  req: PathRequest;
  time: Date;
  nameConstraintBudget: number;
  /** Extra per-path checks (policies, revocation), run after the structural ones. */
  extraChecks: Array<(path: ParsedCertificate[]) => Promise<Reason[]> | Reason[]>;
}

/** Validation time at whole seconds: certificate times have no fractions, so compare at that grain. */
export function flooredTime(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 1000) * 1000);
}

export async function validatePath(
  path: ParsedCertificate[],
  anchor: PathAnchor,
  ctx: ValidationContext,
): Promise<Reason[]> {
  const { req, time } = ctx;
  const reasons: Reason[] = [];
  const add = (r: Reason): void => {
    if (!reasons.some((x) => x.code === r.code && x.message === r.message)) reasons.push(r);
  };
  const n = path.length;
  let maxPathLength = Number.POSITIVE_INFINITY;
  const constraints: NameConstraints[] = [];
  const budget = new NameConstraintsBudget(ctx.nameConstraintBudget);

  for (let k = n - 1; k >= 0; k--) {
    const cert = path[k] as ParsedCertificate;
    const isAnchor = k === n - 1;
    const isLeaf = k === 0;
    const who = isAnchor
      ? `anchor "${cert.subject}"`
      : isLeaf
        ? `signer "${cert.subject}"`
        : `CA "${cert.subject}"`;
    const ext = cert.extensions;

    if (time < cert.notBefore)
      add(reason('CERT_NOT_YET_VALID', `${who} is not valid before ${cert.notBefore.toISOString()}`));
    if (time > cert.notAfter) add(reason('CERT_EXPIRED', `${who} expired at ${cert.notAfter.toISOString()}`));
    if (isAnchor) {
      anchorCertificateReasons(cert, {
        checks: req.anchorChecks ?? 'certificate',
        allowDsa: req.allowDsa === true,
        who,
      }).forEach(add);
    } else {
      for (const problem of cert.profileProblems) add(reason('CERT_MALFORMED', `${who}: ${problem}`));
      for (const oid of cert.unknownCriticalExtensions) {
        add(reason('UNKNOWN_CRITICAL_EXTENSION', `${who} has an unknown critical extension ${oid}`));
      }
      const keyProblem = checkPublicKeyPolicy(cert.spki, { allowDsa: req.allowDsa === true });
      if (keyProblem) add({ code: keyProblem.code, message: `${who}: ${keyProblem.message}` });
      if (!cert.selfIssued || isLeaf) {
        const names = constrainedNames(cert);
        for (const nc of constraints) {
          const violation = checkNameConstraints(names, nc, budget);
          if (violation) add(reason('NAME_CONSTRAINTS_VIOLATED', `${who}: ${violation}`));
        }
      }
      // The anchor is trusted by configuration, whoever issued it: its AKI is not required (limbo's
      // cve-2024-0567 trusts a cross-signed root without one).
      if (!cert.selfIssued && !ext.authorityKeyIdentifier?.keyIdentifier) {
        add(
          reason('CERT_MALFORMED', `${who} has no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)`),
        );
      }
      const rsaProblem = rsaModulusProblem(cert.spki);
      if (rsaProblem) add(reason('WEAK_RSA_KEY', `${who}: ${rsaProblem}`));
    }

    if (!isLeaf) {
      const bc = ext.basicConstraints;
      if (!isAnchor) {
        if (!bc?.cA) {
          add(reason('NOT_A_CA', `${who} issues certificates but is not a CA (basicConstraints cA)`));
        }
        if (ext.keyUsage && !ext.keyUsage.has('keyCertSign')) {
          add(reason('CA_KEY_USAGE_MISSING', `${who} keyUsage lacks keyCertSign`));
        }
        if (!ext.subjectKeyIdentifier) {
          add(reason('CERT_MALFORMED', `${who} has no subjectKeyIdentifier (RFC 5280 4.2.1.2)`));
        }
      }
      if (!isAnchor && !cert.selfIssued) {
        if (maxPathLength <= 0)
          add(reason('PATH_LENGTH_EXCEEDED', `${who} exceeds a pathLenConstraint above it`));
        maxPathLength -= 1;
      }
      if (bc?.pathLen !== null && bc?.pathLen !== undefined)
        maxPathLength = Math.min(maxPathLength, bc.pathLen);
      if (ext.nameConstraints) constraints.push(ext.nameConstraints);
      const caEku = ext.extKeyUsage;
      if (caEku && !caEku.includes(ANY_EKU)) {
        for (const oid of req.requiredEku) {
          if (!caEku.includes(oid))
            add(reason('SIGNER_EKU_MISSING', `${who} restricts extKeyUsage and excludes ${oid}`));
        }
      }
    } else {
      leafChecks(cert, req, who).forEach(add);
    }
  }

  if (budget.exhausted) {
    add(
      reason(
        'PATH_BUDGET_EXCEEDED',
        `checking names against name constraints needs more than ${ctx.nameConstraintBudget} comparisons`,
      ),
    );
  }

  const leaf = path[0] as ParsedCertificate;
  if (anchor.keyCompromised) {
    add(
      reason(
        'ANCHOR_DISTRUSTED',
        `anchor ${anchor.id} is distrusted for key compromise: no signature under it is trusted, whatever its dates or timestamp`,
      ),
    );
  } else if (anchor.distrustAfter) {
    const signedAt = req.signingTime ?? leaf.notBefore;
    if (signedAt >= anchor.distrustAfter) {
      add(
        reason(
          'ANCHOR_DISTRUSTED',
          `anchor ${anchor.id} is distrusted for signatures from ${anchor.distrustAfter.toISOString()}; ` +
            `${req.signingTime ? 'signing time' : "signer's notBefore"} is ${signedAt.toISOString()}`,
        ),
      );
    }
  }

  for (const check of ctx.extraChecks) for (const r of await check(path)) add(r);
  return reasons;
}

function leafChecks(cert: ParsedCertificate, req: PathRequest, who: string): Reason[] {
  const out: Reason[] = [];
  const ext = cert.extensions;
  if (ext.basicConstraints?.cA && !req.allowCaLeaf) {
    out.push(reason('SIGNER_IS_CA', `${who} is a CA certificate (basicConstraints cA)`));
  }
  if (ext.nameConstraints && !ext.basicConstraints?.cA) {
    out.push(reason('CERT_MALFORMED', `${who} carries nameConstraints, which only CA certificates may`));
  }
  if (req.requiredEku.length > 0) {
    const eku = ext.extKeyUsage;
    if (!eku) {
      if (req.requireLeafEku !== false) {
        out.push(
          reason('SIGNER_EKU_MISSING', `${who} has no extKeyUsage; ${req.requiredEku.join(', ')} required`),
        );
      }
    } else {
      for (const oid of req.requiredEku) {
        if (!eku.includes(oid)) {
          const any = eku.includes(ANY_EKU) ? ' (anyExtendedKeyUsage does not count)' : '';
          out.push(reason('SIGNER_EKU_MISSING', `${who} extKeyUsage lacks ${oid}${any}`));
        }
      }
      if (eku.includes(ANY_EKU)) {
        out.push(
          reason('SIGNER_EKU_MISSING', `${who} claims anyExtendedKeyUsage; a signer must name its purposes`),
        );
      }
    }
  }
  const ku = ext.keyUsage;
  if (!ku) {
    if (req.requireLeafKeyUsage)
      out.push(reason('SIGNER_KEY_USAGE_INVALID', `${who} has no keyUsage extension`));
  } else {
    for (const bit of req.leafKeyUsage) {
      if (!ku.has(bit)) out.push(reason('SIGNER_KEY_USAGE_INVALID', `${who} keyUsage lacks ${bit}`));
    }
  }
  return out;
}
