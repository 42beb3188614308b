import { describe, expect, it } from 'vitest';
import { type VerifyOutcome, verifyPackage } from '../../src/verify';
import { buildAndValidatePath } from '../../src/verify/path';
import { signDetached } from '../helpers/cms-builder';
import { CODE_SIGNING, ext, type Issued, makeCert, makeLeaf, makeRoot } from './path/cert-factory';

/**
 * The code-signing policy of docs/policy.md as verifyPackage applies it, with a PKI made in-process:
 * keyUsage on the signer (RFC 5280 4.2.1.3) and anchors as a name and a key (RFC 5280 §6.1.1(d)).
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const content = new TextEncoder().encode('vendor package 4.5.6');
const subtle = globalThis.crypto.subtle;

async function verifyBy(root: Issued, signer: Issued, serial: number): Promise<VerifyOutcome> {
  const signature = await signDetached({
    content,
    signer,
    issuerCn: root.cn,
    serial,
    certificates: [signer.der],
  });
  const result = await verifyPackage({
    signature,
    artifact: { kind: 'bytes', bytes: content },
    anchors: [{ id: 'root', der: root.der }],
    time: NOW,
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}

const codes = (o: VerifyOutcome) => o.reasons.map((r) => r.code);

describe('the signer keyUsage rule', () => {
  it('trusts a signer without a keyUsage extension (RFC 5280 reads it as unrestricted)', async () => {
    const root = await makeRoot('Policy Root A');
    const signer = await makeLeaf('No KeyUsage Signer', root, {
      serial: 11,
      extensions: [ext.extKeyUsage(CODE_SIGNING)],
    });
    const outcome = await verifyBy(root, signer, 11);
    expect(codes(outcome)).toEqual([]);
    expect(outcome.verdict).toBe('trusted');
  });

  it('refuses a signer whose keyUsage is keyCertSign only, with SIGNER_KEY_USAGE_INVALID', async () => {
    const root = await makeRoot('Policy Root B');
    const signer = await makeLeaf('CertSign Only Signer', root, {
      serial: 12,
      extensions: [ext.keyUsage('keyCertSign'), ext.extKeyUsage(CODE_SIGNING)],
    });
    const outcome = await verifyBy(root, signer, 12);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('SIGNER_KEY_USAGE_INVALID');
    expect(outcome.reasons.find((r) => r.code === 'SIGNER_KEY_USAGE_INVALID')?.message).toContain(
      'keyUsage lacks digitalSignature',
    );
  });

  it('still requires extKeyUsage codeSigning of a signer without keyUsage', async () => {
    const root = await makeRoot('Policy Root C');
    const signer = await makeLeaf('No Usage At All', root, { serial: 13, extensions: [] });
    const outcome = await verifyBy(root, signer, 13);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toEqual(['SIGNER_EKU_MISSING']);
  });
});

describe('an anchor is a name and a key', () => {
  it('anchors through a root carrying a critical Netscape cert-type extension', async () => {
    const root = await makeRoot('Secure Boot Style CA', {
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage('keyCertSign', 'cRLSign'),
        ext.netscapeCertType(),
      ],
    });
    const signer = await makeLeaf('Under Netscape Root', root, { serial: 21 });
    const outcome = await verifyBy(root, signer, 21);
    expect(codes(outcome)).toEqual([]);
    expect(outcome.verdict).toBe('trusted');
    expect(outcome.anchorId).toBe('root');
  });

  it('anchors through a root without subjectKeyIdentifier and with a non-critical basicConstraints', async () => {
    const root = await makeRoot('Loose Profile Root', {
      noKeyIds: true,
      extensions: [{ ...ext.basicConstraints(true), critical: false }, ext.keyUsage('keyCertSign')],
    });
    const signer = await makeLeaf('Under Loose Root', root, { serial: 22 });
    expect((await verifyBy(root, signer, 22)).verdict).toBe('trusted');
  });

  it('still applies the root name constraints, even when not marked critical', async () => {
    const root = await makeRoot('Constrained Root', {
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage('keyCertSign'),
        { ...ext.permittedDns('example.com'), critical: false },
      ],
    });
    const signer = await makeLeaf('Outside Signer', root, {
      serial: 23,
      extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING), ext.sanDns('evil.test')],
    });
    const outcome = await verifyBy(root, signer, 23);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toEqual(['NAME_CONSTRAINTS_VIOLATED']);
  });

  it('still refuses a self-signed anchor that is not a CA (a signer is pinned, not anchored as a root)', async () => {
    const key = await makeCert({
      cn: 'Kernel Module Key',
      serial: 24,
      extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
    });
    const signer = await makeLeaf('Signed By Module Key', key, { serial: 25 });
    const outcome = await verifyBy(key, signer, 25);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('NOT_A_CA');
  });

  it('still refuses an expired root', async () => {
    const root = await makeRoot('Expired Root', { notAfter: new Date('2026-01-01T00:00:00Z') });
    const signer = await makeLeaf('Under Expired Root', root, { serial: 26 });
    const outcome = await verifyBy(root, signer, 26);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('CERT_EXPIRED');
  });

  it('keeps the strict anchor checks as the path validator default (what x509-limbo expects)', async () => {
    const root = await makeRoot('Strict Default Root', {
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage('keyCertSign', 'cRLSign'),
        ext.netscapeCertType(),
      ],
    });
    const signer = await makeLeaf('Under Strict Default', root, { serial: 27 });
    const outcome = await buildAndValidatePath({
      leaf: signer.der,
      intermediates: [],
      anchors: [{ id: 'root', der: root.der }],
      time: NOW,
      requiredEku: [CODE_SIGNING],
      leafKeyUsage: ['digitalSignature'],
      subtle,
    });
    expect(outcome.status).toBe('invalid');
    if (outcome.status === 'invalid') {
      expect(outcome.reasons.map((r) => r.code)).toEqual(['UNKNOWN_CRITICAL_EXTENSION']);
    }
  });
});
