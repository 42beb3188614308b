import {
  children,
  type DerNode,
  decodeBitString,
  decodeOid,
  decodeSmallInt,
  derTry,
  expectTag,
  fail,
  parseDer,
  sequence,
  TAG,
} from './der';
import {
  DSA_KEY_OID,
  type DsaPublicKey,
  dsaKeyProblem,
  dsaVerify,
  parseDsaPublicKey,
  parseDsaSignature,
} from './dsa';
import { importVerifyKey } from './key-cache';
import { createBytesMemo } from './memo';
import { type Reason, reason } from './reasons';

/**
 * One signature check, used alike for certificate signatures and CMS signer signatures, so that the
 * algorithm policy and the strict encodings are enforced in exactly one place.
 */
export interface SignatureInput {
  /** DER SubjectPublicKeyInfo of the signer. */
  spki: Uint8Array;
  /** DER AlgorithmIdentifier of the signature (a certificate's signatureAlgorithm or a SignerInfo's). */
  algorithm: Uint8Array;
  /** CMS may name a bare key algorithm (rsaEncryption, id-ecPublicKey); the digest then comes from here. */
  digestAlgorithmOid?: string;
  data: Uint8Array;
  signature: Uint8Array;
}

export type SignatureOutcome = { ok: true; algorithm: string } | { ok: false; reason: Reason };

/** Algorithms beyond the service's policy, for callers that ask for them. */
export interface AlgorithmOptions {
  /**
   * Accept DSA keys and DSA signatures (dsa-with-sha1, dsa-with-sha256): certificate suites of the SHA-1
   * era (NIST PKITS 4.1.4-4.1.6) use them. The service never sets it; without it DSA is refused with
   * UNSUPPORTED_ALGORITHM.
   */
  allowDsa?: boolean;
}

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  md2WithRsa: '1.2.840.113549.1.1.2',
  md5WithRsa: '1.2.840.113549.1.1.4',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  sha224WithRsa: '1.2.840.113549.1.1.14',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  md5: '1.2.840.113549.2.5',
  md2: '1.2.840.113549.2.2',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  dsaWithSha1: '1.2.840.10040.4.3',
  dsaWithSha256: '2.16.840.1.101.3.4.3.2',
} as const;

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

const STRONG_DIGESTS: Record<string, HashName> = {
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
};
const WEAK_DIGESTS: Record<string, string> = {
  [OID.md2]: 'MD2',
  [OID.md5]: 'MD5',
  [OID.sha1]: 'SHA-1',
  [OID.sha224]: 'SHA-224',
};

const RSA_PKCS1: Record<string, string> = {
  [OID.sha256WithRsa]: OID.sha256,
  [OID.sha384WithRsa]: OID.sha384,
  [OID.sha512WithRsa]: OID.sha512,
  [OID.sha224WithRsa]: OID.sha224,
  [OID.sha1WithRsa]: OID.sha1,
  [OID.md5WithRsa]: OID.md5,
  [OID.md2WithRsa]: OID.md2,
};
const ECDSA: Record<string, string> = {
  [OID.ecdsaWithSha256]: OID.sha256,
  [OID.ecdsaWithSha384]: OID.sha384,
  [OID.ecdsaWithSha512]: OID.sha512,
  [OID.ecdsaWithSha224]: OID.sha224,
  [OID.ecdsaWithSha1]: OID.sha1,
};

const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; size: number }> = {
  [OID.p256]: { name: 'P-256', size: 32 },
  [OID.p384]: { name: 'P-384', size: 48 },
  [OID.p521]: { name: 'P-521', size: 66 },
};

export const MIN_RSA_BITS = 2048;
/** RSA moduli above this are refused: verifying them costs more CPU than any vendor needs. */
export const MAX_RSA_BITS = 8192;

/** Maps a digest OID to a WebCrypto hash name, or a reason why it is refused. */
export function digestAlgorithm(oid: string): { ok: true; hash: HashName } | { ok: false; reason: Reason } {
  const hash = STRONG_DIGESTS[oid];
  if (hash) return { ok: true, hash };
  const weak = WEAK_DIGESTS[oid];
  if (weak) return { ok: false, reason: reason('WEAK_DIGEST_ALGORITHM', `${weak} digests are refused`) };
  return { ok: false, reason: reason('UNSUPPORTED_ALGORITHM', `digest algorithm ${oid} is not supported`) };
}

const DSA: Record<string, { digestOid: string; hash: 'SHA-1' | 'SHA-256' }> = {
  [OID.dsaWithSha1]: { digestOid: OID.sha1, hash: 'SHA-1' },
  [OID.dsaWithSha256]: { digestOid: OID.sha256, hash: 'SHA-256' },
};

interface ParsedKey {
  kind: 'rsa' | 'ec' | 'ed25519' | 'dsa';
  dsa?: DsaPublicKey;
  /** SPKI with the key algorithm WebCrypto understands (RSASSA-PSS keys re-labelled as rsaEncryption). */
  importable: Uint8Array;
  curve?: (typeof CURVES)[string];
  rsaBits?: number;
}

/** A DER AlgorithmIdentifier: its OID and its parameters (absent is not NULL). */
interface AlgorithmId {
  oid: string;
  params: DerNode | undefined;
}

function readAlgorithm(node: DerNode | undefined): AlgorithmId {
  const parts = sequence(node, 'AlgorithmIdentifier');
  if (parts.length < 1 || parts.length > 2) fail('AlgorithmIdentifier has the wrong shape');
  return { oid: decodeOid(parts[0]), params: parts[1] };
}

const isNull = (node: DerNode | undefined) => node?.tag === TAG.NULL;

/** Bit length of a positive DER INTEGER's contents (minimal: at most one leading zero octet). */
function positiveBitLength(value: Uint8Array): number {
  if (((value[0] as number) & 0x80) !== 0) return 0;
  const bytes = value[0] === 0 ? value.subarray(1) : value;
  const first = bytes[0] ?? 0;
  return bytes.length === 0 || first === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(first));
}

/**
 * Public exponents of more bits than this are refused: verification costs one squaring per bit, and a
 * hostile key with a huge exponent made one check cost fifty ordinary ones. 33 bits holds every exponent
 * in use (3, 65537, 2^32+1); BoringSSL draws the same line.
 */
export const MAX_RSA_EXPONENT_BITS = 33;

const keyMalformed = (what: string) => ({
  ok: false as const,
  reason: reason('CERT_MALFORMED', what),
});

/** RSAPublicKey (RFC 8017 A.1.1): SEQUENCE { modulus, publicExponent }, both positive; e odd, > 1, bounded. */
function rsaKeyProblem(key: Uint8Array): { reason: Reason } | { bits: number } {
  const parsed = derTry(() => {
    const [modulus, exponent, ...rest] = sequence(parseDer(key), 'RSAPublicKey');
    if (rest.length > 0) return null;
    return {
      n: expectTag(modulus, TAG.INTEGER, 'modulus').value,
      e: expectTag(exponent, TAG.INTEGER, 'publicExponent').value,
    };
  });
  if (!parsed) return { reason: reason('CERT_MALFORMED', 'the RSA public key cannot be parsed') };
  const bits = positiveBitLength(parsed.n);
  const eBits = positiveBitLength(parsed.e);
  if (bits === 0) return { reason: reason('CERT_MALFORMED', 'the RSA modulus is not positive') };
  if (eBits < 2 || ((parsed.e[parsed.e.length - 1] as number) & 1) === 0)
    return { reason: reason('CERT_MALFORMED', 'the RSA public exponent is not an odd number above 1') };
  if (eBits > MAX_RSA_EXPONENT_BITS) {
    return {
      reason: reason(
        'UNSUPPORTED_ALGORITHM',
        `RSA public exponent of ${eBits} bits; at most ${MAX_RSA_EXPONENT_BITS} are accepted`,
      ),
    };
  }
  return { bits };
}

/** An rsaEncryption SubjectPublicKeyInfo around the same key, for keys labelled id-RSASSA-PSS. */
function asRsaEncryption(keyBits: DerNode): Uint8Array {
  const algorithm = Uint8Array.of(
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    0x86,
    0x48,
    0x86,
    0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00,
  );
  return derSequence([algorithm, keyBits.raw]);
}

function derSequence(parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const header =
    length < 0x80
      ? [0x30, length]
      : length < 0x100
        ? [0x30, 0x81, length]
        : length < 0x10000
          ? [0x30, 0x82, length >> 8, length & 0xff]
          : [0x30, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let at = header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function parseKey(
  spki: Uint8Array,
  options: AlgorithmOptions,
): { ok: true; key: ParsedKey } | { ok: false; reason: Reason } {
  const info = derTry(() => {
    const [algorithmNode, keyNode, ...rest] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
    if (rest.length > 0) return null;
    const algorithm = readAlgorithm(algorithmNode);
    const key = decodeBitString(keyNode);
    if (key.unused !== 0) return null;
    return { algorithm, key: key.bytes, keyNode: keyNode as DerNode };
  });
  if (!info) return keyMalformed('the public key cannot be parsed');
  const { oid: algorithm, params } = info.algorithm;
  if (algorithm === OID.rsaEncryption || algorithm === OID.rsassaPss) {
    // RFC 3279 2.3.1: rsaEncryption parameters are NULL; RFC 4055 3.1: RSASSA-PSS key parameters are
    // absent or RSASSA-PSS-params (checked when a signature is made with the key).
    if (algorithm === OID.rsaEncryption && !isNull(params))
      return keyMalformed('rsaEncryption keys have NULL parameters');
    if (algorithm === OID.rsassaPss && params !== undefined && !parsePssParams(params).ok)
      return keyMalformed('the RSASSA-PSS key parameters are malformed');
    const rsa = rsaKeyProblem(info.key);
    if ('reason' in rsa) return { ok: false, reason: rsa.reason };
    const rsaBits = rsa.bits;
    if (rsaBits < MIN_RSA_BITS) {
      return {
        ok: false,
        reason: reason('WEAK_RSA_KEY', `RSA key of ${rsaBits} bits; at least ${MIN_RSA_BITS} are required`),
      };
    }
    if (rsaBits > MAX_RSA_BITS) {
      return {
        ok: false,
        reason: reason(
          'UNSUPPORTED_ALGORITHM',
          `RSA key of ${rsaBits} bits; at most ${MAX_RSA_BITS} are accepted`,
        ),
      };
    }
    const importable = algorithm === OID.rsaEncryption ? spki : asRsaEncryption(info.keyNode);
    return { ok: true, key: { kind: 'rsa', importable, rsaBits } };
  }
  if (algorithm === OID.ecPublicKey) {
    const curveOid = params?.tag === TAG.OID ? derTry(() => decodeOid(params)) : null;
    const curve = curveOid ? CURVES[curveOid] : undefined;
    if (!curve) {
      return {
        ok: false,
        reason: reason(
          'UNSUPPORTED_CURVE',
          `elliptic curve ${curveOid ?? '(explicit parameters)'} is not accepted`,
        ),
      };
    }
    // SEC 1 2.3.3: an uncompressed point, 04 || X || Y, each coordinate the curve's size.
    if (info.key.length !== 1 + 2 * curve.size || info.key[0] !== 0x04)
      return keyMalformed(`the ${curve.name} public key is not an uncompressed point of its curve`);
    return { ok: true, key: { kind: 'ec', importable: spki, curve } };
  }
  if (algorithm === OID.ed25519) {
    if (params !== undefined) return keyMalformed('Ed25519 keys carry no parameters');
    if (info.key.length !== 32) return keyMalformed('an Ed25519 public key is 32 bytes');
    return { ok: true, key: { kind: 'ed25519', importable: spki } };
  }
  if (algorithm === OID.ed448) {
    return { ok: false, reason: reason('UNSUPPORTED_CURVE', 'Ed448 is not accepted') };
  }
  if (algorithm === DSA_KEY_OID) {
    if (!options.allowDsa) {
      return { ok: false, reason: reason('UNSUPPORTED_ALGORITHM', 'DSA keys are not accepted') };
    }
    const dsa = parseDsaPublicKey(spki);
    if (!dsa) return keyMalformed('the DSA public key cannot be parsed');
    const problem = dsaKeyProblem(dsa);
    if (problem) return { ok: false, reason: reason('UNSUPPORTED_ALGORITHM', problem) };
    return { ok: true, key: { kind: 'dsa', importable: spki, dsa } };
  }
  return {
    ok: false,
    reason: reason('UNSUPPORTED_ALGORITHM', `public key algorithm ${algorithm} is not supported`),
  };
}

/** Refuses keys that policy does not accept (RSA under 2048 bits, curves other than P-256/384/521, Ed25519). */
export function checkPublicKeyPolicy(spki: Uint8Array, options: AlgorithmOptions = {}): Reason | null {
  const parsed = memoParseKey(spki, optionsKey(options), () => parseKey(spki, options));
  return parsed.ok ? null : parsed.reason;
}

/**
 * Converts a DER Ecdsa-Sig-Value to the fixed-width r||s that WebCrypto takes, accepting strict DER only:
 * definite short or minimal long lengths, minimal positive INTEGERs, nothing trailing.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  let pos = 0;
  const readLength = (): number | null => {
    const first = der[pos++];
    if (first === undefined) return null;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return null;
    let length = 0;
    for (let i = 0; i < count; i++) {
      const b = der[pos++];
      if (b === undefined) return null;
      length = length * 256 + b;
    }
    // long form must be minimal: shorter lengths must use the short form, and no leading zero octet
    if (length < 0x80 || (count === 2 && length < 0x100)) return null;
    return length;
  };
  const readInteger = (): Uint8Array | null => {
    if (der[pos++] !== 0x02) return null;
    const length = readLength();
    if (length === null || length === 0 || pos + length > der.length) return null;
    const value = der.subarray(pos, pos + length);
    pos += length;
    const first = value[0] ?? 0;
    if (first & 0x80) return null; // negative
    if (first === 0 && length > 1 && ((value[1] ?? 0) & 0x80) === 0) return null; // non-minimal
    const magnitude = first === 0 ? value.subarray(1) : value;
    if (magnitude.length > size || magnitude.every((b) => b === 0)) return null;
    return magnitude;
  };
  if (der[pos++] !== 0x30) return null;
  const seqLength = readLength();
  if (seqLength === null || pos + seqLength !== der.length) return null;
  const r = readInteger();
  const s = readInteger();
  if (!r || !s || pos !== der.length) return null;
  const raw = new Uint8Array(size * 2);
  raw.set(r, size - r.length);
  raw.set(s, size * 2 - s.length);
  return raw;
}

type Scheme =
  | { kind: 'rsa-pkcs1'; digestOid: string }
  | { kind: 'rsa-pss'; digestOid: string; saltLength: number }
  | { kind: 'ecdsa'; digestOid: string }
  | { kind: 'ed25519' }
  | { kind: 'dsa'; digestOid: string; hash: 'SHA-1' | 'SHA-256' };

/** A hash AlgorithmIdentifier inside PSS parameters: its OID, with absent or NULL parameters. */
function hashOid(node: DerNode | undefined): string {
  const algorithm = readAlgorithm(node);
  if (algorithm.params !== undefined && !isNull(algorithm.params))
    fail('a hash algorithm takes no parameters but NULL');
  return algorithm.oid;
}

/**
 * RSASSA-PSS-params (RFC 4055 3.1), explicitly tagged [0] hash, [1] MGF, [2] salt length, [3] trailer;
 * the MGF must be MGF1 over the same hash and the trailer 1.
 */
function parsePssParams(
  params: DerNode | undefined,
): { ok: true; digestOid: string; saltLength: number } | { ok: false } {
  // Absent parameters mean SHA-1 with MGF1-SHA-1, which policy refuses below.
  if (params === undefined || isNull(params)) return { ok: true, digestOid: OID.sha1, saltLength: 20 };
  const read = derTry(() => {
    const fields = sequence(params, 'RSASSA-PSS-params');
    let i = 0;
    let digestOid: string = OID.sha1;
    let mgfHash: string = OID.sha1;
    let saltLength = 20;
    const explicit = (tag: number): DerNode | undefined => {
      if (fields[i]?.tag !== tag) return undefined;
      const inner = children(fields[i++] as DerNode);
      if (inner.length !== 1) fail('an explicit tag holds one value');
      return inner[0];
    };
    const hash = explicit(0xa0);
    if (hash) digestOid = hashOid(hash);
    const mgf = explicit(0xa1);
    if (mgf) {
      const algorithm = readAlgorithm(mgf);
      if (algorithm.oid !== OID.mgf1) return null;
      mgfHash = hashOid(algorithm.params);
    }
    const salt = explicit(0xa2);
    if (salt) saltLength = decodeSmallInt(salt);
    const trailer = explicit(0xa3);
    if (trailer && decodeSmallInt(trailer) !== 1) return null;
    if (i !== fields.length || mgfHash !== digestOid) return null;
    return { digestOid, saltLength };
  });
  return read ? { ok: true, ...read } : { ok: false };
}

function schemeOf(
  algorithm: AlgorithmId,
  digestAlgorithmOid: string | undefined,
): { ok: true; scheme: Scheme } | { ok: false; reason: Reason } {
  const { oid, params } = algorithm;
  const rsaDigest = RSA_PKCS1[oid];
  // RFC 4055 §5 and RFC 3370 §3.2: NULL (absent is tolerated); anything else is unsigned bytes that would
  // let the signature be altered and still verify.
  if ((rsaDigest || oid === OID.rsaEncryption) && params !== undefined && !isNull(params)) {
    return {
      ok: false,
      reason: reason(
        'SIGNATURE_ENCODING_INVALID',
        'RSA PKCS#1 v1.5 algorithm identifiers carry NULL parameters',
      ),
    };
  }
  if (rsaDigest) return { ok: true, scheme: { kind: 'rsa-pkcs1', digestOid: rsaDigest } };
  if (oid === OID.rsaEncryption && digestAlgorithmOid) {
    return { ok: true, scheme: { kind: 'rsa-pkcs1', digestOid: digestAlgorithmOid } };
  }
  if (oid === OID.rsassaPss) {
    const pss = parsePssParams(params);
    if (!pss.ok) {
      return {
        ok: false,
        reason: reason('UNSUPPORTED_ALGORITHM', 'RSA-PSS parameters are malformed or unsupported'),
      };
    }
    return { ok: true, scheme: { kind: 'rsa-pss', digestOid: pss.digestOid, saltLength: pss.saltLength } };
  }
  const ecDigest = ECDSA[oid];
  if (ecDigest) {
    if (params !== undefined) {
      return {
        ok: false,
        reason: reason('SIGNATURE_ENCODING_INVALID', 'ECDSA algorithm identifiers carry no parameters'),
      };
    }
    return { ok: true, scheme: { kind: 'ecdsa', digestOid: ecDigest } };
  }
  if (oid === OID.ecPublicKey && digestAlgorithmOid) {
    return { ok: true, scheme: { kind: 'ecdsa', digestOid: digestAlgorithmOid } };
  }
  if (oid === OID.ed25519) {
    if (params !== undefined) {
      return {
        ok: false,
        reason: reason('SIGNATURE_ENCODING_INVALID', 'Ed25519 algorithm identifiers carry no parameters'),
      };
    }
    return { ok: true, scheme: { kind: 'ed25519' } };
  }
  if (oid === OID.ed448) return { ok: false, reason: reason('UNSUPPORTED_CURVE', 'Ed448 is not accepted') };
  const dsa = DSA[oid];
  if (dsa) {
    if (params !== undefined) {
      return {
        ok: false,
        reason: reason('SIGNATURE_ENCODING_INVALID', 'DSA algorithm identifiers carry no parameters'),
      };
    }
    return { ok: true, scheme: { kind: 'dsa', ...dsa } };
  }
  return {
    ok: false,
    reason: reason('UNSUPPORTED_ALGORITHM', `signature algorithm ${oid} is not supported`),
  };
}

function weakSignature(digest: string, scheme: string): Reason {
  return reason('WEAK_SIGNATURE_ALGORITHM', `${scheme} with ${digest} is refused`);
}

const SCHEME_LABEL: Record<Scheme['kind'], string> = {
  'rsa-pkcs1': 'RSA PKCS#1 v1.5',
  'rsa-pss': 'RSA-PSS',
  ecdsa: 'ECDSA',
  ed25519: 'Ed25519',
  dsa: 'DSA',
};

function algorithmScheme(
  bytes: Uint8Array,
  digestAlgorithmOid: string | undefined,
): { ok: true; scheme: Scheme } | { ok: false; reason: Reason } {
  const algorithm = derTry(() => readAlgorithm(parseDer(bytes)));
  if (!algorithm) {
    return {
      ok: false,
      reason: reason('SIGNATURE_ENCODING_INVALID', 'the signature algorithm identifier is malformed'),
    };
  }
  return schemeOf(algorithm, digestAlgorithmOid);
}

// Both are pure functions of their input bytes, parsed at a cost comparable to the signature
// check itself: remembered by exact bytes (see memo.ts).
const memoParseKey = createBytesMemo<ReturnType<typeof parseKey>>(512);
const optionsKey = (options: AlgorithmOptions): string => (options.allowDsa ? 'dsa' : '');
const schemeMemo = createBytesMemo<ReturnType<typeof algorithmScheme>>(256);
const memoSchemeOf = (bytes: Uint8Array, digestAlgorithmOid: string | undefined) =>
  schemeMemo(bytes, digestAlgorithmOid ?? '', () => algorithmScheme(bytes, digestAlgorithmOid));

export async function verifySignature(
  subtle: SubtleCrypto,
  input: SignatureInput,
  options: AlgorithmOptions = {},
): Promise<SignatureOutcome> {
  const schemeResult = memoSchemeOf(input.algorithm, input.digestAlgorithmOid);
  if (!schemeResult.ok) return schemeResult;
  const scheme = schemeResult.scheme;
  if (scheme.kind === 'dsa') return verifyDsa(subtle, input, scheme, options);

  let hash: HashName | undefined;
  if (scheme.kind !== 'ed25519') {
    const digest = digestAlgorithm(scheme.digestOid);
    if (!digest.ok) {
      const weakName = WEAK_DIGESTS[scheme.digestOid];
      return {
        ok: false,
        reason: weakName ? weakSignature(weakName, SCHEME_LABEL[scheme.kind]) : digest.reason,
      };
    }
    hash = digest.hash;
  }

  const keyResult = memoParseKey(input.spki, optionsKey(options), () => parseKey(input.spki, options));
  if (!keyResult.ok) return keyResult;
  const key = keyResult.key;
  const expectedKind =
    scheme.kind === 'rsa-pkcs1' || scheme.kind === 'rsa-pss'
      ? 'rsa'
      : scheme.kind === 'ecdsa'
        ? 'ec'
        : 'ed25519';
  if (key.kind !== expectedKind) {
    return {
      ok: false,
      reason: reason(
        'SIGNATURE_INVALID',
        `a ${key.kind} key cannot make a ${SCHEME_LABEL[scheme.kind]} signature`,
      ),
    };
  }
  const label = `${SCHEME_LABEL[scheme.kind]}${hash ? ` ${hash}` : ''}${key.curve ? ` ${key.curve.name}` : ''}`;

  let importAlgorithm: RsaHashedImportParams | EcKeyImportParams | Algorithm;
  let verifyAlgorithm: RsaPssParams | EcdsaParams | Algorithm;
  let signature = input.signature;
  switch (scheme.kind) {
    case 'rsa-pkcs1':
      importAlgorithm = { name: 'RSASSA-PKCS1-v1_5', hash: hash as HashName };
      verifyAlgorithm = { name: 'RSASSA-PKCS1-v1_5' };
      break;
    case 'rsa-pss':
      importAlgorithm = { name: 'RSA-PSS', hash: hash as HashName };
      verifyAlgorithm = { name: 'RSA-PSS', saltLength: scheme.saltLength } as RsaPssParams;
      break;
    case 'ecdsa': {
      const curve = key.curve as NonNullable<ParsedKey['curve']>;
      const raw = ecdsaDerToRaw(input.signature, curve.size);
      if (!raw) {
        return {
          ok: false,
          reason: reason('SIGNATURE_ENCODING_INVALID', 'the ECDSA signature is not strict DER'),
        };
      }
      signature = raw;
      importAlgorithm = { name: 'ECDSA', namedCurve: curve.name };
      verifyAlgorithm = { name: 'ECDSA', hash: hash as HashName };
      break;
    }
    case 'ed25519':
      importAlgorithm = { name: 'Ed25519' };
      verifyAlgorithm = { name: 'Ed25519' };
      break;
  }
  if (key.kind === 'rsa' && signature.byteLength !== Math.ceil((key.rsaBits ?? 0) / 8)) {
    return {
      ok: false,
      reason: reason('SIGNATURE_INVALID', 'the RSA signature is not the length of the modulus'),
    };
  }

  let cryptoKey: CryptoKey;
  try {
    cryptoKey = await importVerifyKey(subtle, key.importable, importAlgorithm);
  } catch {
    return { ok: false, reason: reason('CERT_MALFORMED', `the ${key.kind} public key is not a valid key`) };
  }
  let valid = false;
  try {
    valid = await subtle.verify(
      verifyAlgorithm,
      cryptoKey,
      new Uint8Array(signature),
      new Uint8Array(input.data),
    );
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, algorithm: label }
    : { ok: false, reason: reason('SIGNATURE_INVALID', `the ${label} signature does not verify`) };
}

async function verifyDsa(
  subtle: SubtleCrypto,
  input: SignatureInput,
  scheme: Extract<Scheme, { kind: 'dsa' }>,
  options: AlgorithmOptions,
): Promise<SignatureOutcome> {
  if (!options.allowDsa) {
    return { ok: false, reason: reason('UNSUPPORTED_ALGORITHM', 'DSA signatures are not accepted') };
  }
  const keyResult = memoParseKey(input.spki, optionsKey(options), () => parseKey(input.spki, options));
  if (!keyResult.ok) return keyResult;
  const { key } = keyResult;
  if (key.kind !== 'dsa' || !key.dsa) {
    return {
      ok: false,
      reason: reason('SIGNATURE_INVALID', `a ${key.kind} key cannot make a DSA signature`),
    };
  }
  const parameters = key.dsa.parameters;
  if (!parameters) {
    return {
      ok: false,
      reason: reason(
        'CERT_MALFORMED',
        'the DSA key has no parameters and none were inherited from its issuer',
      ),
    };
  }
  const signature = parseDsaSignature(input.signature);
  if (!signature) {
    return { ok: false, reason: reason('SIGNATURE_ENCODING_INVALID', 'the DSA signature is not strict DER') };
  }
  const label = `DSA ${scheme.hash} ${parameters.pBits}/${parameters.qBits}`;
  const digest = new Uint8Array(await subtle.digest(scheme.hash, new Uint8Array(input.data)));
  return dsaVerify({ y: key.dsa.y, parameters }, digest, signature)
    ? { ok: true, algorithm: label }
    : { ok: false, reason: reason('SIGNATURE_INVALID', `the ${label} signature does not verify`) };
}
