import { describe, expect, it } from 'vitest';
import { readProposedRoot, rootRefusal } from '../../src/trust/root-proposal';
import { encodePem, isParseError, type ParsedCertificate, parseCertificate } from '../../src/verify';
import { CODE_SIGNING, ext, type Issued, makeCa, makeCert, makeRoot } from '../verify/path/cert-factory';

const NOW = new Date('2026-11-25T12:00:00Z');
const propose = (cert: Issued) => readProposedRoot(encodePem('CERTIFICATE', cert.der), NOW);
const parsed = (cert: Issued): ParsedCertificate => {
  const p = parseCertificate(cert.der, { trustAnchor: true });
  if (isParseError(p)) throw new Error(p.error.message);
  return p;
};

describe('readProposedRoot', () => {
  describe('when the root carries a nameConstraints that is not critical', () => {
    it('accepts it: the path applies the constraint whatever its criticality', async () => {
      const root = await makeRoot('Loose Root', {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          { ...ext.permittedDns('example.com'), critical: false },
        ],
      });
      expect(propose(root).ok).toBe(true);
    });
  });

  describe('when the same root marks it critical', () => {
    it('accepts it', async () => {
      const root = await makeRoot('Tight Root', {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          ext.permittedDns('example.com'),
        ],
      });
      expect(propose(root).ok).toBe(true);
    });
  });

  describe('when the root carries a critical Netscape cert-type extension (Debian Secure Boot CA)', () => {
    it('accepts it: an anchor is a name and a key', async () => {
      const root = await makeRoot('Netscape Root', {
        extensions: [ext.basicConstraints(true), ext.keyUsage('keyCertSign'), ext.netscapeCertType()],
      });
      expect(propose(root).ok).toBe(true);
      expect(rootRefusal(parsed(root), NOW)).toBeNull();
    });
  });

  describe('when the certificate is self-signed but not a CA (a kernel module signing key)', () => {
    it('refuses it with ROOT_NOT_CA, saying a root must be a CA and to pin the signer instead', async () => {
      const key = await makeCert({
        cn: 'Module Signing Key',
        extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
      });
      const read = propose(key);
      expect(read).toMatchObject({ ok: false, code: 'ROOT_NOT_CA' });
      if (!read.ok) {
        expect(read.detail).toContain('CN=Module Signing Key is not a CA certificate');
        expect(read.detail).toContain('a root must be a CA, not a signer');
        expect(read.detail).toContain('POST /vendors/{id}/signers');
      }
      expect(rootRefusal(parsed(key), NOW)).toMatchObject({ code: 'ROOT_NOT_CA', remedy: 'pin-signer' });
    });
  });

  describe('when the certificate is a CA that is not self-issued (an intermediate)', () => {
    it('refuses it with ROOT_NOT_SELF_ISSUED and asks for the full chain', async () => {
      const root = await makeRoot('Hidden Root');
      const ca = await makeCa('Issuing CA', root);
      const read = propose(ca);
      expect(read).toMatchObject({ ok: false, code: 'ROOT_NOT_SELF_ISSUED' });
      if (!read.ok) {
        expect(read.detail).toContain('CN=Issuing CA is not a root: it was issued by CN=Hidden Root');
        expect(read.detail).toContain('full and current chain');
      }
      expect(rootRefusal(parsed(ca), NOW)).toMatchObject({ remedy: 'full-chain' });
    });
  });

  describe('when the root has expired', () => {
    it('refuses it with ROOT_EXPIRED', async () => {
      const root = await makeRoot('Old Root', { notAfter: new Date('2026-01-01T00:00:00Z') });
      expect(propose(root)).toMatchObject({ ok: false, code: 'ROOT_EXPIRED' });
    });
  });

  describe('when the root keyUsage forbids certificate signing', () => {
    it('refuses it with ROOT_NOT_CA', async () => {
      const root = await makeRoot('No CertSign Root', {
        extensions: [ext.basicConstraints(true), ext.keyUsage('digitalSignature')],
      });
      const read = propose(root);
      expect(read).toMatchObject({ ok: false, code: 'ROOT_NOT_CA' });
      if (!read.ok) expect(read.detail).toContain('keyUsage lacks keyCertSign');
    });
  });
});
