import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParseError, parseCertificate } from '../../../src/verify/certificate';
import { buildAndValidatePath, type PathRequest } from '../../../src/verify/path/index';

/**
 * Every byte of a certificate is either signed or must match a signed copy (the outer signature
 * algorithm), so no mutation of the leaf may ever validate; and no mutated input may throw.
 */

const dir = join(new URL('.', import.meta.url).pathname, '../../conformance/nist-pkits/certs');
const cert = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, `${name}.crt`)));

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function mutate(der: Uint8Array, rand: () => number): Uint8Array {
  const out = new Uint8Array(der);
  const kind = Math.floor(rand() * 3);
  const at = Math.floor(rand() * out.length);
  if (kind === 0) out[at] = (out[at] as number) ^ (1 << Math.floor(rand() * 8));
  else if (kind === 1) out[at] = Math.floor(rand() * 256);
  else return out.subarray(0, at);
  return out;
}

describe('buildAndValidatePath on mutated certificates', () => {
  const anchor = cert('TrustAnchorRootCertificate');
  const ca = cert('GoodCACert');
  const leaf = cert('ValidCertificatePathTest1EE');
  const base: PathRequest = {
    leaf,
    intermediates: [ca],
    anchors: [{ id: 'pkits', der: anchor }],
    time: new Date('2011-04-15T00:00:00Z'),
    requiredEku: [],
    leafKeyUsage: [],
    subtle: globalThis.crypto.subtle,
  };

  describe('when the unmutated chain is given', () => {
    it('is valid', async () => {
      expect((await buildAndValidatePath(base)).status).toBe('valid');
    });
  });

  describe('when the leaf or the intermediate has a flipped, replaced or truncated byte', () => {
    it('never validates and never throws', async () => {
      const rand = prng(20261125);
      const accepted: number[] = [];
      for (let i = 0; i < 400; i++) {
        const target = i % 2 === 0 ? 'leaf' : 'ca';
        const mutated = mutate(target === 'leaf' ? leaf : ca, rand);
        const req = target === 'leaf' ? { ...base, leaf: mutated } : { ...base, intermediates: [mutated] };
        const outcome = await buildAndValidatePath(req);
        if (outcome.status === 'valid') accepted.push(i);
      }
      expect(accepted).toEqual([]);
    });
  });

  describe('when the CRL of the issuing CA has a flipped, replaced or truncated byte', () => {
    it('never validates (no usable CRL) and never throws', async () => {
      const crlDir = join(dir, '../crls');
      const rootCrl = new Uint8Array(readFileSync(join(crlDir, 'TrustAnchorRootCRL.crl')));
      const caCrl = new Uint8Array(readFileSync(join(crlDir, 'GoodCACRL.crl')));
      expect((await buildAndValidatePath({ ...base, crls: [rootCrl, caCrl] })).status).toBe('valid');
      const rand = prng(99);
      const accepted: number[] = [];
      for (let i = 0; i < 200; i++) {
        const outcome = await buildAndValidatePath({ ...base, crls: [rootCrl, mutate(caCrl, rand)] });
        if (outcome.status === 'valid') accepted.push(i);
      }
      expect(accepted).toEqual([]);
    });
  });

  describe('when parseCertificate reads arbitrary prefixes and corruptions', () => {
    it('returns a certificate or an error value, never throws', () => {
      const rand = prng(7);
      for (let i = 0; i < 2000; i++) {
        const r = parseCertificate(mutate(leaf, rand));
        expect(isParseError(r) ? r.error.code : 'parsed').toMatch(
          /^(parsed|CERT_MALFORMED|DUPLICATE_EXTENSION)$/,
        );
      }
    });
  });
});
