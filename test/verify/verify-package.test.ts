import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/encoding';
import { type ArtifactInput, verifyPackage } from '../../src/verify';
import { cmsCase, cmsCases, fixtureRoots, readFixture } from '../helpers/cms-fixtures';

const subtle = globalThis.crypto.subtle;

async function run(name: string, artifact?: ArtifactInput, time?: string) {
  const c = cmsCase(name);
  const result = await verifyPackage({
    signature: readFixture(c.signature),
    artifact: artifact ?? { kind: 'bytes', bytes: readFixture(c.artifact) },
    anchors: fixtureRoots(c.vendor).map((der, i) => ({ id: `${c.vendor}-${i}`, der })),
    time: new Date(time ?? c.time),
    subtle,
  });
  if (!result.ok) throw new Error(`${name}: ${result.code} ${result.detail}`);
  return result.outcome;
}

describe('verifyPackage', () => {
  describe('when given each OpenSSL-made fixture with its artifact', () => {
    for (const c of cmsCases) {
      it(`${c.name}: ${c.expectedVerdict} ${c.expectedReasons.join(',')}`, async () => {
        const outcome = await run(c.name);
        expect(outcome.verdict).toBe(c.expectedVerdict);
        expect(outcome.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(c.expectedReasons));
        if (c.expectedVerdict === 'trusted') expect(outcome.reasons).toEqual([]);
      });
    }
  });

  describe('when only the SHA-256 digest of a detached artifact is sent', () => {
    const digestOf = (name: string): ArtifactInput => ({
      kind: 'digest',
      algorithm: 'SHA-256',
      value: hexToBytes(cmsCase(name).artifactSha256) as Uint8Array,
    });
    it('trusts a good signature', async () => {
      const outcome = await run(
        'ecdsa-p256-sha256-detached-trusted',
        digestOf('ecdsa-p256-sha256-detached-trusted'),
      );
      expect(outcome.verdict).toBe('trusted');
    });
    it('rejects the digest of another artifact', async () => {
      const outcome = await run('ecdsa-p256-sha256-detached-trusted', {
        kind: 'digest',
        algorithm: 'SHA-256',
        value: new Uint8Array(32).fill(7),
      });
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toContain('DIGEST_MISMATCH');
    });
  });

  describe('when the verification time lies outside the chain validity', () => {
    it('rejects a trusted fixture as expired after 2034', async () => {
      const outcome = await run('rsa2048-sha256-detached-der-trusted', undefined, '2035-01-01T00:00:00Z');
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toContain('CERT_EXPIRED');
    });
  });

  describe('when a trusted verdict is given', () => {
    it('reports the chain from signer to the anchor with fingerprints', async () => {
      const outcome = await run('two-intermediates-trusted');
      expect(outcome.chain.length).toBe(4);
      expect(outcome.chain[0]?.sha256).toBe(outcome.signer?.sha256);
      expect(outcome.anchorId).not.toBeNull();
      for (const cert of outcome.chain) expect(cert.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('when the input is not a readable signature', () => {
    const attempt = (signature: Uint8Array) =>
      verifyPackage({
        signature,
        artifact: { kind: 'none' },
        anchors: [],
        time: new Date('2026-06-01T00:00:00Z'),
        subtle,
      });
    it('refuses an empty signature', async () => {
      expect(await attempt(new Uint8Array())).toMatchObject({ ok: false, code: 'SIGNATURE_EMPTY' });
    });
    it('refuses a truncated signature', async () => {
      const der = readFixture(cmsCase('rsa2048-sha256-detached-der-trusted').signature);
      expect(await attempt(der.subarray(0, der.length - 10))).toMatchObject({
        ok: false,
        code: 'SIGNATURE_UNREADABLE',
      });
    });
    it('refuses bytes that are not CMS', async () => {
      expect(await attempt(new TextEncoder().encode('hello, world'))).toMatchObject({ ok: false });
    });
    it('asks for the artifact when the signature is detached and nothing else was sent', async () => {
      const der = readFixture(cmsCase('rsa2048-sha256-detached-der-trusted').signature);
      expect(await attempt(der)).toMatchObject({ ok: false, code: 'CONTENT_REQUIRED' });
    });
  });
});
