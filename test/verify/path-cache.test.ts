import { describe, expect, it, vi } from 'vitest';
import { isParseError, parseCertificate } from '../../src/verify/certificate';
import { parseCmsEnvelope } from '../../src/verify/cms-envelope';
import { buildAndValidatePath, type PathAnchor } from '../../src/verify/path';
import type { PathRequest } from '../../src/verify/path/types';
import { createPathCache } from '../../src/verify/path-cache';
import { CODE_SIGNING_EKU } from '../../src/verify/verify-package';
import { cmsCase, fixtureRoots, readFixture } from '../helpers/cms-fixtures';

const subtle = globalThis.crypto.subtle;

/** The path request verifyPackage makes for a fixture's signer. */
function requestFor(name: string, time: Date, anchors?: PathAnchor[]): PathRequest {
  const c = cmsCase(name);
  const parsed = parseCmsEnvelope(readFixture(c.signature));
  if (!parsed.ok) throw new Error(parsed.detail);
  const leaf = parsed.envelope.certificates.find((der) => {
    const cert = parseCertificate(der);
    return !isParseError(cert) && !cert.extensions.basicConstraints?.cA;
  });
  if (!leaf) throw new Error(`${name}: no signer certificate in the envelope`);
  return {
    leaf,
    intermediates: parsed.envelope.certificates.filter((der) => der !== leaf),
    anchors: anchors ?? fixtureRoots(c.vendor).map((der, i) => ({ id: `root-${i}`, der })),
    time,
    requiredEku: [CODE_SIGNING_EKU],
    leafKeyUsage: ['digitalSignature'],
    requireLeafKeyUsage: true,
    subtle,
  };
}

const AT = new Date('2026-06-01T00:00:00Z');

describe('the path cache', () => {
  describe('when the same chain is validated twice', () => {
    it('answers the second time from the cache, with the same path and anchor', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const first = await cache.buildAndValidatePath(req);
      const second = await cache.buildAndValidatePath({ ...req, time: new Date(AT.getTime() + 60_000) });
      expect(first.status).toBe('valid');
      expect(second.status).toBe('valid');
      expect(second.path.map((c) => c.sha256Hex)).toEqual(first.path.map((c) => c.sha256Hex));
      expect(second.status === 'valid' && second.anchor).toBe(
        req.anchors.find((a) => a.id === (first.status === 'valid' ? first.anchor.id : '')),
      );
      expect(validate).toHaveBeenCalledTimes(1);
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 });
    });
  });

  describe('when the request time leaves a certificate validity window', () => {
    it('does not serve the stored path: the validator answers, with the reason', async () => {
      const cache = createPathCache();
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      expect((await cache.buildAndValidatePath(req)).status).toBe('valid');
      const later = await cache.buildAndValidatePath({ ...req, time: new Date('2040-01-01T00:00:00Z') });
      expect(later.status).not.toBe('valid');
      expect(later.status !== 'valid' && later.reasons.map((r) => r.code)).toContain('CERT_EXPIRED');
      const earlier = await cache.buildAndValidatePath({ ...req, time: new Date('2000-01-01T00:00:00Z') });
      expect(earlier.status !== 'valid' && earlier.reasons.map((r) => r.code)).toContain(
        'CERT_NOT_YET_VALID',
      );
      expect(cache.stats().stale).toBe(2);
    });

    it('compares at whole seconds, as the validator does', async () => {
      const cache = createPathCache();
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const first = await cache.buildAndValidatePath(req);
      const notAfter = first.path[0]?.notAfter as Date;
      const edge = new Date(notAfter.getTime() + 999);
      const direct = await buildAndValidatePath({ ...req, time: edge });
      expect((await cache.buildAndValidatePath({ ...req, time: edge })).status).toBe(direct.status);
    });
  });

  describe('when anything in the key changes', () => {
    it('misses on another anchor set (a root removed, distrusted or added)', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const first = await cache.buildAndValidatePath(req);
      if (first.status !== 'valid') throw new Error('expected valid');
      const without = req.anchors.filter((a) => a.id !== first.anchor.id);
      expect((await cache.buildAndValidatePath({ ...req, anchors: without })).status).toBe('no_anchor');
      const distrusted = req.anchors.map((a) =>
        a.id === first.anchor.id ? { ...a, distrustAfter: new Date('2000-01-01T00:00:00Z') } : a,
      );
      const outcome = await cache.buildAndValidatePath({ ...req, anchors: distrusted });
      expect(outcome.status !== 'valid' && outcome.reasons.map((r) => r.code)).toContain('ANCHOR_DISTRUSTED');
      expect(validate).toHaveBeenCalledTimes(3);
    });

    it('misses on other request parameters (EKU, key usage, signing time, scope)', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      await cache.buildAndValidatePath(req);
      const serverAuth = await cache.buildAndValidatePath({ ...req, requiredEku: ['1.3.6.1.5.5.7.3.1'] });
      expect(serverAuth.status).toBe('invalid');
      await cache.buildAndValidatePath({ ...req, leafKeyUsage: ['keyEncipherment'] });
      await cache.buildAndValidatePath({ ...req, signingTime: new Date('2025-01-01T00:00:00Z') });
      await cache.buildAndValidatePath(req, 'vendor-b:7');
      expect(validate).toHaveBeenCalledTimes(5);
      // Parameters the key once left out: DSA permission, policy inputs, limits, CA leaves.
      await cache.buildAndValidatePath({ ...req, allowDsa: true });
      await cache.buildAndValidatePath({ ...req, allowCaLeaf: true });
      await cache.buildAndValidatePath({ ...req, requireLeafEku: false });
      await cache.buildAndValidatePath({ ...req, limits: { maxDepth: 4, maxSignatureChecks: 16 } });
      expect(validate).toHaveBeenCalledTimes(9);
      await cache.buildAndValidatePath(req);
      expect(validate).toHaveBeenCalledTimes(9);
    });

    it('keeps its own copies: a caller changing its buffers afterwards changes nothing it stored', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const leaf = new Uint8Array(req.leaf);
      const anchors = req.anchors.map((a) => ({ ...a, der: new Uint8Array(a.der) }));
      await cache.buildAndValidatePath({ ...req, leaf, anchors });
      const at = leaf.length - 1;
      leaf[at] = (leaf[at] as number) ^ 1;
      for (const a of anchors) a.der[a.der.length - 1] = (a.der[a.der.length - 1] as number) ^ 1;
      expect((await cache.buildAndValidatePath({ ...req, leaf, anchors })).status).not.toBe('valid');
      expect(validate).toHaveBeenCalledTimes(2);
      expect((await cache.buildAndValidatePath(req)).status).toBe('valid');
      expect(validate).toHaveBeenCalledTimes(2);
    });

    it('misses when the envelope offers other intermediates', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      await cache.buildAndValidatePath(req);
      await cache.buildAndValidatePath({ ...req, intermediates: [] });
      expect(validate).toHaveBeenCalledTimes(2);
    });
  });

  describe('for outcomes that are not valid', () => {
    it('never stores them', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('signer-eku-server-auth-only', AT);
      expect((await cache.buildAndValidatePath(req)).status).toBe('invalid');
      expect((await cache.buildAndValidatePath(req)).status).toBe('invalid');
      expect(validate).toHaveBeenCalledTimes(2);
      expect(cache.stats().size).toBe(0);
    });
  });

  describe('with CRLs', () => {
    it('goes to the validator every time', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = {
        ...requestFor('ecdsa-p256-sha256-detached-trusted', AT),
        crls: [new Uint8Array([0x30, 0x00])],
      };
      await cache.buildAndValidatePath(req);
      await cache.buildAndValidatePath(req);
      expect(validate).toHaveBeenCalledTimes(2);
      expect(cache.stats()).toMatchObject({ bypassed: 2, size: 0 });
    });
  });

  describe('when an empty CRL list asks for revocation to be checked', () => {
    it('does not serve the outcome of a request that checked none (regression: it served valid)', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      expect((await cache.buildAndValidatePath(req)).status).toBe('valid');
      const strict = await cache.buildAndValidatePath({ ...req, crls: [] });
      expect(strict.status).toBe('invalid');
      expect(strict.status === 'invalid' && strict.reasons.map((r) => r.code)).toContain(
        'REVOCATION_UNAVAILABLE',
      );
      expect(validate).toHaveBeenCalledTimes(2);
    });
  });

  describe('when a request is padded with a large junk certificate', () => {
    it('answers it without keeping it, so padding cannot fill memory', async () => {
      const validate = vi.fn(buildAndValidatePath);
      const cache = createPathCache({ validate });
      const req = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const padded = { ...req, intermediates: [...req.intermediates, new Uint8Array(200 * 1024).fill(0x30)] };
      expect((await cache.buildAndValidatePath(padded)).status).toBe('valid');
      expect((await cache.buildAndValidatePath(padded)).status).toBe('valid');
      expect(validate).toHaveBeenCalledTimes(2);
      expect(cache.stats()).toMatchObject({ size: 0 });
    });
  });

  describe('when full', () => {
    it('drops the least recently used path', async () => {
      const cache = createPathCache({ maxEntries: 1 });
      const a = requestFor('ecdsa-p256-sha256-detached-trusted', AT);
      const b = requestFor('rsa2048-sha256-detached-der-trusted', AT);
      await cache.buildAndValidatePath(a);
      await cache.buildAndValidatePath(b);
      await cache.buildAndValidatePath(a);
      expect(cache.stats()).toMatchObject({ hits: 0, misses: 3, size: 1 });
    });
  });

  describe('on every fixture', () => {
    it('answers as the validator does, first and second time', async () => {
      const { cmsCases } = await import('../helpers/cms-fixtures');
      const cache = createPathCache();
      for (const c of cmsCases) {
        let req: PathRequest;
        try {
          req = requestFor(c.name, new Date(c.time));
        } catch {
          continue;
        }
        const direct = await buildAndValidatePath(req);
        const summary = (o: typeof direct) => ({
          status: o.status,
          path: o.path.map((p) => p.sha256Hex),
          reasons: o.status === 'valid' ? [] : o.reasons.map((r) => r.code),
        });
        expect(summary(await cache.buildAndValidatePath(req))).toEqual(summary(direct));
        expect(summary(await cache.buildAndValidatePath(req))).toEqual(summary(direct));
      }
    });
  });
});
