import { describe, expect, it } from 'vitest';
import { buildAndValidatePath, type PathOutcome, type PathRequest } from '../../../src/verify/path/index';
import { CODE_SIGNING, ext, type Issued, makeCa, makeCrl, makeLeaf, makeRoot } from './cert-factory';

const SIGNED_AT = new Date('2024-06-01T00:00:00Z');
const NOW = new Date('2026-06-01T00:00:00Z');
const REVOKED_ON = new Date('2025-06-01T00:00:00Z');
const KEY_COMPROMISE = 1;
const SUPERSEDED = 4;

const codes = (o: PathOutcome): string[] => (o.status === 'valid' ? [] : o.reasons.map((r) => r.code));

async function chain() {
  const root = await makeRoot();
  const ca = await makeCa('CA', root);
  const leaf = await makeLeaf('Signer', ca, { serial: 4242, notAfter: new Date('2030-01-01T00:00:00Z') });
  const rootCrl = await makeCrl({
    issuer: root,
    thisUpdate: new Date('2026-05-20T00:00:00Z'),
    nextUpdate: new Date('2026-07-01T00:00:00Z'),
  });
  return { root, ca, leaf, rootCrl };
}

function request(
  leaf: Issued,
  ca: Issued,
  root: Issued,
  crls: Uint8Array[],
  extra: Partial<PathRequest> = {},
): PathRequest {
  return {
    leaf: leaf.der,
    intermediates: [ca.der],
    anchors: [{ id: 'root', der: root.der }],
    time: SIGNED_AT,
    signingTime: SIGNED_AT,
    requiredEku: [CODE_SIGNING],
    leafKeyUsage: ['digitalSignature'],
    crls,
    subtle: globalThis.crypto.subtle,
    ...extra,
  };
}

describe('buildAndValidatePath revocation', () => {
  describe('when a timestamped signature is checked now against CRLs issued after the timestamp', () => {
    it('uses them with revocationTime, and finds none usable without it', async () => {
      const { root, ca, leaf, rootCrl } = await chain();
      const caCrl = await makeCrl({
        issuer: ca,
        thisUpdate: new Date('2026-05-20T00:00:00Z'),
        nextUpdate: new Date('2026-07-01T00:00:00Z'),
      });
      const req = request(leaf, ca, root, [rootCrl, caCrl]);
      expect((await buildAndValidatePath({ ...req, revocationTime: NOW })).status).toBe('valid');
      // Without it, both CRLs (of the root for the CA, of the CA for the signer) postdate `time`.
      expect(codes(await buildAndValidatePath(req))).toEqual([
        'REVOCATION_UNAVAILABLE',
        'REVOCATION_UNAVAILABLE',
      ]);
    });
  });

  describe('when the signer was revoked after the timestamp', () => {
    it('still trusts the signature when the reason is superseded', async () => {
      const { root, ca, leaf, rootCrl } = await chain();
      const caCrl = await makeCrl({
        issuer: ca,
        entries: [{ serial: 4242, date: REVOKED_ON, reason: SUPERSEDED }],
        thisUpdate: new Date('2026-05-20T00:00:00Z'),
        nextUpdate: new Date('2026-07-01T00:00:00Z'),
      });
      const outcome = await buildAndValidatePath({
        ...request(leaf, ca, root, [rootCrl, caCrl]),
        revocationTime: NOW,
      });
      expect(outcome.status).toBe('valid');
    });
    it('refuses it with CERT_REVOKED when the reason is keyCompromise or not given', async () => {
      const { root, ca, leaf, rootCrl } = await chain();
      for (const reason of [KEY_COMPROMISE, undefined]) {
        const caCrl = await makeCrl({
          issuer: ca,
          entries: [{ serial: 4242, date: REVOKED_ON, ...(reason !== undefined ? { reason } : {}) }],
          thisUpdate: new Date('2026-05-20T00:00:00Z'),
          nextUpdate: new Date('2026-07-01T00:00:00Z'),
        });
        const outcome = await buildAndValidatePath({
          ...request(leaf, ca, root, [rootCrl, caCrl]),
          revocationTime: NOW,
        });
        expect(codes(outcome)).toEqual(['CERT_REVOKED']);
      }
    });
  });

  describe('when the signer was revoked before the validation time for a benign reason', () => {
    it('is revoked', async () => {
      const { root, ca, leaf, rootCrl } = await chain();
      const caCrl = await makeCrl({
        issuer: ca,
        entries: [{ serial: 4242, date: new Date('2024-01-01T00:00:00Z'), reason: SUPERSEDED }],
        thisUpdate: new Date('2026-05-20T00:00:00Z'),
        nextUpdate: new Date('2026-07-01T00:00:00Z'),
      });
      const outcome = await buildAndValidatePath({
        ...request(leaf, ca, root, [rootCrl, caCrl]),
        revocationTime: NOW,
      });
      expect(codes(outcome)).toEqual(['CERT_REVOKED']);
    });
  });

  describe('when the CA that signed the CRL may not sign CRLs', () => {
    it('does not rely on the CRL: REVOCATION_UNAVAILABLE', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, {
        extensions: [ext.basicConstraints(true), ext.keyUsage('keyCertSign')],
      });
      const leaf = await makeLeaf('Signer', ca, { serial: 4242 });
      const window = {
        thisUpdate: new Date('2024-05-01T00:00:00Z'),
        nextUpdate: new Date('2024-07-01T00:00:00Z'),
      };
      const rootCrl = await makeCrl({ issuer: root, ...window });
      const caCrl = await makeCrl({ issuer: ca, ...window });
      const outcome = await buildAndValidatePath(request(leaf, ca, root, [rootCrl, caCrl]));
      expect(codes(outcome)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });
});
