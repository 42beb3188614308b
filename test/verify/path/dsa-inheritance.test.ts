import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDsaPublicKey } from '../../../src/verify/dsa';
import { buildAndValidatePath, type PathOutcome } from '../../../src/verify/path/index';
import { assembleCert, bits, CODE_SIGNING, ext, oid, seq, tlv } from './cert-factory';

/**
 * DSA parameter inheritance (RFC 5280 6.1.4 (f)) on hand-made paths: the parameters a key without its
 * own take come from the place above it on the path, never from a certificate below.
 */

interface Group {
  p: bigint;
  q: bigint;
  g: bigint;
}
interface DsaKey {
  x: bigint;
  y: bigint;
  group: Group;
}

const big = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const unsigned = (n: bigint): Uint8Array => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return new Uint8Array((bytes[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};
const derInt = (n: bigint): Uint8Array => tlv(0x02, unsigned(n));

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  let x = b % m;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % m;
    x = (x * x) % m;
  }
  return r;
}
const modInv = (a: bigint, m: bigint): bigint => modPow(a, m - 2n, m); // m = q is prime

/** A DSA group from OpenSSL (1024/160), read from a generated key's SPKI. */
function newGroup(): Group {
  const { publicKey } = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
  const parsed = parseDsaPublicKey(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
  if (!parsed?.parameters) throw new Error('OpenSSL made a DSA key without parameters');
  const { p, q, g } = parsed.parameters;
  return { p, q, g };
}

const newKey = (group: Group): DsaKey => {
  const x = (big(randomBytes(24)) % (group.q - 1n)) + 1n;
  return { x, y: modPow(group.g, x, group.p), group };
};

const DSA_OID = oid('1.2.840.10040.4.1');
const DSA_WITH_SHA256 = seq(oid('2.16.840.1.101.3.4.3.2'));
const spkiOf = (key: DsaKey, withParameters: boolean): Uint8Array =>
  seq(
    withParameters
      ? seq(DSA_OID, seq(derInt(key.group.p), derInt(key.group.q), derInt(key.group.g)))
      : seq(DSA_OID),
    bits(derInt(key.y)),
  );

function sign(key: DsaKey, data: Uint8Array): Uint8Array {
  const { p, q, g } = key.group;
  const z = big(createHash('sha256').update(data).digest()) >> 96n; // leftmost 160 bits
  for (;;) {
    const k = (big(randomBytes(24)) % (q - 1n)) + 1n;
    const r = modPow(g, k, p) % q;
    const s = (modInv(k, q) * (z + key.x * r)) % q;
    if (r !== 0n && s !== 0n) return seq(derInt(r), derInt(s));
  }
}

interface Placed {
  der: Uint8Array;
  cn: string;
  key: DsaKey;
  ski: Uint8Array;
}

async function place(cn: string, key: DsaKey, withParameters: boolean, issuer: Placed | null, ca = true) {
  const spki = spkiOf(key, withParameters);
  const ski = new Uint8Array(createHash('sha1').update(spki).digest());
  const der = await assembleCert({
    cn,
    issuerCn: issuer?.cn ?? cn,
    spki,
    ski,
    issuerSki: issuer?.ski ?? ski,
    extensions: ca
      ? [ext.basicConstraints(true), ext.keyUsage('keyCertSign', 'cRLSign')]
      : [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
    signatureAlgorithm: DSA_WITH_SHA256,
    sign: (tbs) => sign(issuer?.key ?? key, tbs),
  });
  return { der, cn, key, ski };
}

const codes = (o: PathOutcome) =>
  o.status === 'valid' ? [] : o.reasons.map((r) => `${r.code}: ${r.message}`);
const check = (leaf: Placed, intermediates: Placed[], anchor: Placed) =>
  buildAndValidatePath({
    leaf: leaf.der,
    intermediates: intermediates.map((c) => c.der),
    anchors: [{ id: 'dsa-root', der: anchor.der }],
    time: new Date('2026-01-01T00:00:00Z'),
    requiredEku: [CODE_SIGNING],
    leafKeyUsage: ['digitalSignature'],
    allowDsa: true,
    subtle: globalThis.crypto.subtle,
  });

describe('DSA parameter inheritance on a path', () => {
  const g1 = newGroup();
  const g2 = newGroup();

  describe('when a CA key without parameters sits under a DSA root that has them', () => {
    it('validates with the parameters of the root', async () => {
      const root = await place('Root', newKey(g1), true, null);
      const ca = await place('CA', newKey(g1), false, root);
      const leaf = await place('Leaf', newKey(g1), false, ca, false);
      expect(codes(await check(leaf, [ca], root))).toEqual([]);
    });
  });

  describe('when one key without parameters sits twice on the path, under different parameters', () => {
    it('takes parameters for neither place: the lower place may not lend them to the upper', async () => {
      const root = await place('Root', newKey(g1), true, null);
      const shared = newKey(g1);
      const upper = await place('B', shared, false, root);
      // C has parameters of another group; B's key signs it (in the group it really lives in, g1).
      const c = await place('C', newKey(g2), true, upper);
      const lower = await place('B2', shared, false, c);
      const leaf = await place('Leaf', newKey(g1), false, lower, false);
      const outcome = await check(leaf, [upper, c, lower], root);
      expect(outcome.status).not.toBe('valid');
      expect(codes(outcome).join('\n')).toContain('no parameters to inherit');
    });
  });
});
