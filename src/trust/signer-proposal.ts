import { isParseError, parseCertificate, pinnedSignerDefects, summarize } from '../verify';
import { type Refusal, readOneCertificate } from './root-proposal';

/**
 * Reads a pinned signer an admin proposes (or the seed imports): exactly one PEM certificate that parses
 * strictly (as the verifier reads a signer), has not expired at `now`, and that the verifier would accept
 * as a pinned signer at all (verify/pinned-signer.ts: keyUsage allows digitalSignature when present,
 * extKeyUsage allows codeSigning or anyExtendedKeyUsage when present, no unknown critical extension, an
 * acceptable key). Self-signed or issued by anyone, CA or not: the pin vouches for this certificate only.
 */
export function readProposedSigner(
  pem: string,
  now: Date,
): { ok: true; der: Uint8Array; summary: ReturnType<typeof summarize> } | Refusal {
  const one = readOneCertificate(pem, 'signer');
  return one.ok ? readSignerCertificate(one.der, now) : one;
}

/** A signer certificate (DER) checked as `readProposedSigner` does. */
export function readSignerCertificate(
  der: Uint8Array,
  now: Date | null,
): { ok: true; der: Uint8Array; summary: ReturnType<typeof summarize> } | Refusal {
  const certificate = parseCertificate(der);
  if (isParseError(certificate)) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: `the certificate cannot be used: ${certificate.error.message}`,
    };
  }
  const summary = summarize(certificate);
  const defects = pinnedSignerDefects(certificate);
  if (defects.length > 0) {
    return {
      ok: false,
      code: 'INVALID_CERTIFICATE',
      detail: `${certificate.subject} would sign nothing as a pinned signer: ${defects.join('; ')}`,
    };
  }
  if (now && certificate.notAfter.getTime() <= now.getTime()) {
    return {
      ok: false,
      code: 'ROOT_EXPIRED',
      detail: `${certificate.subject} expired at ${summary.notAfter}`,
    };
  }
  return { ok: true, der, summary };
}
