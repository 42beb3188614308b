import type { ErrorCode } from '../errors';
import {
  anchorCertificateReasons,
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
 * What can be done instead when a certificate cannot be a root:
 * - `pin-signer`: the certificate is no CA (a self-signed signing key, such as a kernel module's): trust
 *   the signer itself, as a pinned signer of the vendor (`POST /vendors/{id}/signers`, approved by a
 *   second admin);
 * - `full-chain`: the certificate is not the root (not self-issued: the signature carries an incomplete
 *   chain), or the root is unusable (expired, a key the algorithm policy refuses): ask the vendor, through
 *   the contact on file, for its full and current chain, and propose the root it ends at.
 */
export type RootRemedy = 'pin-signer' | 'full-chain';

export interface RootRefusal {
  code: ErrorCode;
  /** Why, naming the certificate: the admin API's problem detail and the escalation's explanation. */
  detail: string;
  remedy: RootRemedy;
}

/**
 * Why `certificate` cannot be approved as a root at `now`, or null when it can: the one rule the admin
 * API's root proposal (and approval) and the escalation checklist share, so that on-call is never told to
 * propose a root the API refuses. A root is a CA (basicConstraints cA, and keyCertSign when it has a
 * keyUsage), is self-issued (issuer = subject), has a key and name constraints the path can use
 * (`anchorCertificateReasons` with anchors as name and key: its other extensions, an unknown critical one
 * included, do not matter, RFC 5280 §6.1.1(d)), and has not expired at `now`.
 */
export function rootRefusal(certificate: ParsedCertificate, now: Date): RootRefusal | null {
  const timeless = caRefusal(certificate);
  if (timeless) return timeless;
  if (!certificate.selfIssued) {
    return {
      code: 'ROOT_NOT_SELF_ISSUED',
      detail: `${certificate.subject} is not a root: it was issued by ${certificate.issuer} (a root is self-issued); the root is the certificate at the top of the vendor's full chain`,
      remedy: 'full-chain',
    };
  }
  if (certificate.notAfter.getTime() <= now.getTime()) {
    return {
      code: 'ROOT_EXPIRED',
      detail: `${certificate.subject} expired at ${certificate.notAfter.toISOString()}`,
      remedy: 'full-chain',
    };
  }
  return null;
}

/**
 * The part of `rootRefusal` that does not depend on the time or on where the certificate sits: a CA whose
 * key and name constraints a path can use. The trust-store seed applies only this part (a reviewed seed
 * may hold an expired root, to anchor timestamped signatures, or a CA below a root).
 */
export function caRefusal(certificate: ParsedCertificate): RootRefusal | null {
  // Not a CA: no chain goes through it; if it signs, trust it as the signer (unless the chain is incomplete).
  const remedy: RootRemedy = certificate.selfIssued ? 'pin-signer' : 'full-chain';
  if (!certificate.extensions.basicConstraints?.cA) {
    return {
      code: 'ROOT_NOT_CA',
      detail: `${certificate.subject} is not a CA certificate (no basicConstraints cA): a root must be a CA, not a signer`,
      remedy,
    };
  }
  if (certificate.extensions.keyUsage && !certificate.extensions.keyUsage.has('keyCertSign')) {
    return {
      code: 'ROOT_NOT_CA',
      detail: `${certificate.subject} may not sign certificates (keyUsage lacks keyCertSign)`,
      remedy,
    };
  }
  const problems = anchorCertificateReasons(certificate, { checks: 'name-and-key', who: 'it' }).map((r) =>
    r.message.replace(/^it: /, ''),
  );
  if (problems.length > 0) {
    return {
      code: 'INVALID_CERTIFICATE',
      detail: `${certificate.subject}: it would anchor nothing: ${problems.join('; ')}`,
      remedy: 'full-chain',
    };
  }
  return null;
}

/** What to do instead, in one sentence (the admin API's problem detail and the escalation checklist). */
export function remedyText(refusal: RootRefusal): string {
  return refusal.remedy === 'pin-signer'
    ? 'to trust this certificate as the signer itself, pin it as a signer of the vendor instead (POST /vendors/{id}/signers, approved by a second admin)'
    : 'ask the vendor, through the contact on file, for its full and current chain, and propose the root at its top';
}

/** The one PEM certificate an admin proposes (a root or a pinned signer): its DER, or why not. */
export function readOneCertificate(
  pem: string,
  what: 'root' | 'signer',
): { ok: true; der: Uint8Array } | Refusal {
  const blocks = decodePemBlocks(pem);
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certificates.length === 0 || blocks.length !== certificates.length) {
    return { ok: false, code: 'INVALID_CERTIFICATE', detail: 'pem must hold a PEM CERTIFICATE block' };
  }
  const [first, ...more] = certificates;
  if (!first || more.length > 0) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: `pem must hold one certificate; propose each ${what} on its own`,
    };
  }
  return { ok: true, der: first.der };
}

/**
 * Reads a root an admin proposes: exactly one PEM certificate that parses strictly (as an anchor) and that
 * `rootRefusal` accepts at `now`.
 */
export function readProposedRoot(
  pem: string,
  now: Date,
): { ok: true; der: Uint8Array; summary: ReturnType<typeof summarize> } | Refusal {
  const one = readOneCertificate(pem, 'root');
  if (!one.ok) return one;
  const der = one.der;
  const certificate = parseCertificate(der, { trustAnchor: true });
  if (isParseError(certificate)) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: `the certificate cannot be used: ${certificate.error.message}`,
    };
  }
  const refusal = rootRefusal(certificate, now);
  if (refusal) return { ok: false, code: refusal.code, detail: `${refusal.detail}; ${remedyText(refusal)}` };
  return { ok: true, der, summary: summarize(certificate) };
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
