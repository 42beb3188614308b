import type { ErrorCode } from '../errors';
import {
  decodePemBlocks,
  isParseError,
  type ParsedCertificate,
  parseCertificate,
  summarize,
} from '../verify';
import type { Anchor } from './model';

export type Refusal = { ok: false; code: ErrorCode; detail: string };

/** The refusal of a decision on something (a root, a change) that is no longer pending. */
export const notPending = (what: string, state: string, decision: string): Refusal => ({
  ok: false,
  code: 'INVALID_STATE',
  detail: `the ${what} is ${state}; only a pending ${what} can be ${decision}`,
});

/**
 * Why a CA certificate would anchor nothing, or null: the path validator refuses every path through a
 * certificate with profile problems (e.g. a non-critical nameConstraints) or an unknown critical
 * extension, so storing it as a root would only turn every signature under it into a rejection.
 */
export function anchorDefect(certificate: ParsedCertificate): string | null {
  const problems = [
    ...certificate.profileProblems,
    ...certificate.unknownCriticalExtensions.map((oid) => `unknown critical extension ${oid}`),
  ];
  return problems.length > 0 ? `it would anchor nothing: ${problems.join('; ')}` : null;
}

/**
 * Reads a root an admin proposes: exactly one PEM certificate that parses strictly (as an anchor), is a CA
 * (basicConstraints cA, keyCertSign when keyUsage is present) and has not expired at `now`.
 */
export function readProposedRoot(
  pem: string,
  now: Date,
): { ok: true; der: Uint8Array; summary: ReturnType<typeof summarize> } | Refusal {
  const blocks = decodePemBlocks(pem);
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0 || blocks.length !== certificates.length) {
    return { ok: false, code: 'INVALID_CERTIFICATE', detail: 'pem must hold a PEM CERTIFICATE block' };
  }
  if (certificates.length > 1) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: 'pem must hold one certificate; propose each root on its own',
    };
  }
  const der = (certificates[0] as { der: Uint8Array }).der;
  const certificate = parseCertificate(der, { trustAnchor: true });
  if (isParseError(certificate)) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: `the certificate cannot be used: ${certificate.error.message}`,
    };
  }
  const summary = summarize(certificate);
  if (!certificate.extensions.basicConstraints?.cA) {
    return {
      ok: false,
      code: 'ROOT_NOT_CA',
      detail: `${certificate.subject} is not a CA certificate (no basicConstraints cA): a root must be a CA, not a signer`,
    };
  }
  if (certificate.extensions.keyUsage && !certificate.extensions.keyUsage.has('keyCertSign')) {
    return {
      ok: false,
      code: 'ROOT_NOT_CA',
      detail: `${certificate.subject} may not sign certificates (keyUsage lacks keyCertSign)`,
    };
  }
  const defect = anchorDefect(certificate);
  if (defect) return { ok: false, code: 'INVALID_CERTIFICATE', detail: `${certificate.subject}: ${defect}` };
  if (certificate.notAfter.getTime() <= now.getTime()) {
    return {
      ok: false,
      code: 'ROOT_EXPIRED',
      detail: `${certificate.subject} expired at ${summary.notAfter}`,
    };
  }
  return { ok: true, der, summary };
}

/** The pending anchor an admin's proposal creates: it anchors nothing until a second admin approves it. */
export function pendingAnchor(
  vendorId: string,
  der: Uint8Array,
  summary: ReturnType<typeof summarize>,
  proposedBy: string,
  now: Date,
): Anchor {
  const at = now.toISOString();
  return {
    vendorId,
    sha256: summary.sha256,
    spkiSha256: summary.spkiSha256,
    subject: summary.subject,
    der,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    state: 'pending',
    distrustAfter: null,
    keyCompromise: false,
    source: 'api',
    proposedBy,
    approvedBy: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}
