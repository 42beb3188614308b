/**
 * The file verdict from its signatures (docs/authenticode.md): trusted iff at least one signature is
 * trusted and none is broken; unknown_root when none is trusted, one is unknown_root and none is broken;
 * otherwise rejected with every signature's reasons.
 */
import { describe, expect, it } from 'vitest';
import { combine, isBroken } from '../../../src/verify/authenticode/verify-authenticode';
import { type Reason, type ReasonCode, reason } from '../../../src/verify/reasons';
import type { Verdict, VerifyOutcome } from '../../../src/verify/verify-package';

function item(id: string, verdict: Verdict, ...reasonCodes: ReasonCode[]) {
  const reasons: Reason[] = reasonCodes.map((c) => reason(c, c.toLowerCase()));
  const summary = (cn: string) => ({
    subject: `CN=${cn}`,
    issuer: 'CN=x',
    serial: '01',
    sha256: id,
    spkiSha256: id,
    notBefore: '',
    notAfter: '',
  });
  const outcome: VerifyOutcome = {
    verdict,
    reasons,
    signer: summary(`signer ${id}`),
    chain: [summary(`signer ${id}`)],
    anchorId: verdict === 'trusted' ? `anchor ${id}` : null,
    top: verdict === 'unknown_root' ? summary(`top ${id}`) : null,
    digestAlgorithm: 'SHA-256',
    signerDer: null,
  };
  return {
    outcome,
    broken: isBroken(reasons),
    summary: {
      id,
      verdict,
      reasons,
      signer: outcome.signer,
      chain: outcome.chain,
      anchorId: outcome.anchorId,
      digestAlgorithm: outcome.digestAlgorithm,
    },
  };
}

describe('combine', () => {
  it('one trusted, one weak: trusted, decided by the trusted one, the weak one a warning', () => {
    const o = combine([item('1', 'rejected', 'WEAK_DIGEST_ALGORITHM'), item('1.1', 'trusted')]);
    expect(o.verdict).toBe('trusted');
    expect(o.anchorId).toBe('anchor 1.1');
    expect(o.signer?.subject).toBe('CN=signer 1.1');
    expect(o.reasons).toEqual([]);
    expect(o.warnings).toEqual([reason('WEAK_DIGEST_ALGORITHM', 'signature 1: weak_digest_algorithm')]);
    expect(o.signatures?.map((s) => s.id)).toEqual(['1', '1.1']);
  });

  it('one trusted, one expired: trusted with the expiry as a warning', () => {
    const o = combine([item('1', 'trusted'), item('2', 'rejected', 'CERT_EXPIRED')]);
    expect(o.verdict).toBe('trusted');
    expect(o.warnings?.map((w) => w.code)).toEqual(['CERT_EXPIRED']);
  });

  it.each<ReasonCode>([
    'CERT_REVOKED',
    'SIGNATURE_INVALID',
    'DIGEST_MISMATCH',
    'AUTHENTICODE_IMAGE_HASH_MISMATCH',
    'AUTHENTICODE_ENTRY_UNREADABLE',
    'AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH',
    'AUTHENTICODE_CONTENT_INVALID',
  ])('one trusted and one broken by %s: rejected, decided by the broken one', (code) => {
    const o = combine([item('1', 'trusted'), item('2', 'rejected', code)]);
    expect(o.verdict).toBe('rejected');
    expect(o.signer?.subject).toBe('CN=signer 2');
    expect(o.reasons.map((r) => r.code)).toEqual([code]);
    expect(o.anchorId).toBeNull();
  });

  it('unknown root and weak, none broken: unknown_root, the unknown one escalated', () => {
    const o = combine([
      item('1', 'rejected', 'WEAK_DIGEST_ALGORITHM'),
      item('2', 'unknown_root', 'UNKNOWN_ROOT'),
    ]);
    expect(o.verdict).toBe('unknown_root');
    expect(o.top?.subject).toBe('CN=top 2');
    expect(o.reasons.map((r) => r.message)).toEqual([
      'signature 2: unknown_root',
      'signature 1: weak_digest_algorithm',
    ]);
  });

  it('unknown root and broken: rejected, never escalated', () => {
    const o = combine([
      item('1', 'unknown_root', 'UNKNOWN_ROOT'),
      item('2', 'rejected', 'SIGNATURE_INVALID'),
    ]);
    expect(o.verdict).toBe('rejected');
    expect(o.top).toBeNull();
  });

  it("none trusted, none unknown: rejected with every signature's reasons", () => {
    const o = combine([item('1', 'rejected', 'CERT_EXPIRED'), item('2', 'rejected', 'SIGNER_EKU_MISSING')]);
    expect(o.verdict).toBe('rejected');
    expect(o.reasons.map((r) => r.code)).toEqual(['CERT_EXPIRED', 'SIGNER_EKU_MISSING']);
  });

  it('a single signature keeps its reasons unlabelled', () => {
    const o = combine([item('1', 'rejected', 'CERT_EXPIRED')]);
    expect(o.reasons).toEqual([reason('CERT_EXPIRED', 'cert_expired')]);
  });

  it('weak, expired, untrusted root and identity problems are not broken', () => {
    for (const code of [
      'WEAK_DIGEST_ALGORITHM',
      'CERT_EXPIRED',
      'UNKNOWN_ROOT',
      'SIGNER_EKU_MISSING',
    ] as const)
      expect(isBroken([reason(code, '')])).toBe(false);
  });
});
