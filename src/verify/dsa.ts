import { toHex } from '../encoding';
import { DerError, decodeBitString, decodeOid, expectTag, parseDer, sequence, TAG } from './der';

/**
 * DSA (FIPS 186-4 §4.7) for certificate suites of the SHA-1 era (NIST PKITS 4.1.4-4.1.6), which
 * WebCrypto does not offer. Verification is public-key arithmetic on public data, so BigInt's
 * non-constant-time operations leak nothing. Only `verifySignature` calls this, and only when the caller
 * asked for DSA (`allowDsa`); the service never does.
 */

export const DSA_KEY_OID = '1.2.840.10040.4.1';

export interface DsaParameters {
  p: bigint;
  q: bigint;
  g: bigint;
  /** Bit length of p. */
  pBits: number;
  /** Bit length of q. */
  qBits: number;
}

export interface DsaPublicKey {
  y: bigint;
  /** Absent when the certificate inherits them from its issuer's key (RFC 5280 §6.1.4 (f)). */
  parameters: DsaParameters | null;
}

/** Moduli the DSA verifier takes: FIPS 186 sizes (L, N) from 1024/160 to 3072/256. */
const ALLOWED_SIZES: ReadonlyArray<readonly [number, number]> = [
  [1024, 160],
  [2048, 224],
  [2048, 256],
  [3072, 256],
];

function unsignedInteger(bytes: Uint8Array): bigint {
  return BigInt(`0x0${toHex(bytes)}`);
}

function positiveInteger(bytes: Uint8Array, what: string): bigint {
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0)
    throw new DerError(`${what} is not positive`);
  return unsignedInteger(bytes);
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function readParameters(node: ReturnType<typeof parseDer>): DsaParameters {
  const [p, q, g, extra] = sequence(node, 'Dss-Parms');
  if (extra) throw new DerError('Dss-Parms has extra fields');
  const params = {
    p: positiveInteger(expectTag(p, TAG.INTEGER, 'p').value, 'p'),
    q: positiveInteger(expectTag(q, TAG.INTEGER, 'q').value, 'q'),
    g: positiveInteger(expectTag(g, TAG.INTEGER, 'g').value, 'g'),
  };
  return { ...params, pBits: bitLength(params.p), qBits: bitLength(params.q) };
}

/** Parses a DSA SubjectPublicKeyInfo; null when it is not one or is malformed. */
export function parseDsaPublicKey(spki: Uint8Array): DsaPublicKey | null {
  try {
    const [algorithm, key, extra] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
    if (extra) return null;
    const [oid, params, more] = sequence(algorithm, 'AlgorithmIdentifier');
    if (more || decodeOid(oid) !== DSA_KEY_OID) return null;
    // RFC 3279 2.3.2: parameters are Dss-Parms or omitted (inherited); anything else (a NULL included)
    // is malformed.
    const parameters = params ? readParameters(params) : null;
    const bits = decodeBitString(key);
    if (bits.unused !== 0) return null;
    const y = positiveInteger(expectTag(parseDer(bits.bytes), TAG.INTEGER, 'y').value, 'y');
    return { y, parameters };
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

/** Why a DSA key is refused, or null: FIPS 186 sizes only, 1 < g < p, 1 < y < p, q dividing p - 1. */
export function dsaKeyProblem(key: DsaPublicKey): string | null {
  const params = key.parameters;
  if (!params) return null; // checked where the parameters come from
  const { p, q, g, pBits, qBits } = params;
  if (!ALLOWED_SIZES.some(([l, n]) => l === pBits && n === qBits)) {
    return `DSA parameters of ${pBits}/${qBits} bits are not a FIPS 186 size`;
  }
  if ((p - 1n) % q !== 0n || g <= 1n || g >= p || key.y <= 1n || key.y >= p) {
    return 'DSA parameters or key are not well formed';
  }
  return null;
}

/**
 * The heir's SPKI with the parameters of `source` (a DSA key that has them): the source's
 * AlgorithmIdentifier (id-dsa with Dss-Parms) followed by the heir's public key.
 */
export function withInheritedParameters(heirSpki: Uint8Array, sourceSpki: Uint8Array): Uint8Array | null {
  const heir = parseDsaPublicKey(heirSpki);
  const source = parseDsaPublicKey(sourceSpki);
  if (!heir || heir.parameters || !source?.parameters) return null;
  const [, key] = sequence(parseDer(heirSpki), 'SubjectPublicKeyInfo');
  const [algorithm] = sequence(parseDer(sourceSpki), 'SubjectPublicKeyInfo');
  if (!key || !algorithm) return null;
  return derSequence(algorithm.raw, key.raw);
}

function derSequence(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((sum, part) => sum + part.length, 0);
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(1 + length.length + n);
  out[0] = TAG.SEQUENCE;
  out.set(length, 1);
  let offset = 1 + length.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Dss-Sig-Value (strict DER) as (r, s); null when malformed. */
export function parseDsaSignature(der: Uint8Array): { r: bigint; s: bigint } | null {
  try {
    const [r, s, extra] = sequence(parseDer(der), 'Dss-Sig-Value');
    if (extra) return null;
    return {
      r: positiveInteger(expectTag(r, TAG.INTEGER, 'r').value, 'r'),
      s: positiveInteger(expectTag(s, TAG.INTEGER, 's').value, 's'),
    };
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const quotient = oldR / r;
    [oldR, r] = [r, oldR - quotient * r];
    [oldS, s] = [s, oldS - quotient * s];
  }
  return ((oldS % m) + m) % m;
}

/**
 * FIPS 186-4 §4.7: `digest` is Hash(M); its leftmost min(N, outlen) bits are used. The caller has
 * checked the key (`dsaKeyProblem`) and supplies complete parameters.
 */
export function dsaVerify(
  key: { y: bigint; parameters: DsaParameters },
  digest: Uint8Array,
  signature: { r: bigint; s: bigint },
): boolean {
  const { p, q, g, qBits } = key.parameters;
  const { r, s } = signature;
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false;
  const w = modInverse(s, q);
  let z = unsignedInteger(digest);
  const outBits = digest.length * 8;
  if (outBits > qBits) z >>= BigInt(outBits - qBits);
  const u1 = (z * w) % q;
  const u2 = (r * w) % q;
  const v = ((modPow(g, u1, p) * modPow(key.y, u2, p)) % p) % q;
  return v === r;
}
