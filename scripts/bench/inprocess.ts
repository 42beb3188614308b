/**
 * In-process: the whole verifier (envelope parsing, integrity, path with the path cache, policy) on one
 * request, next to one bare `crypto.subtle.verify` of the same signer signature with an imported key.
 * The envelope parse is remembered by its bytes (src/verify/cms-fast.ts), so the verifier is also
 * measured over distinct signatures, cycled: more of them than the envelope memo holds, so that every
 * one is read afresh (a least-recently-used memo walked in a cycle longer than itself never hits).
 */
import { parseCertificate } from '../../src/verify/certificate';
import { ENVELOPE_MEMO_ENTRIES, parseCmsEnvelope } from '../../src/verify/cms-envelope';
import type { PathAnchor } from '../../src/verify/path';
import { createPathCache } from '../../src/verify/path-cache';
import { type ArtifactInput, verifyPackage } from '../../src/verify/verify-package';

export interface InProcessFigures {
  /** The same signature every time (its envelope parse remembered). */
  verifierPerSecond: number;
  /** A different signature by the same signer every time (envelope read afresh; path cache still hits). */
  verifierDistinctPerSecond: number;
  distinctSignatures: number;
  verifierUncachedPerSecond: number;
  barePerSecond: number;
  ratio: number;
  ratioDistinct: number;
  ratioUncached: number;
  cacheHits: number;
}

/** ECDSA-Sig-Value (DER) to r||s, for WebCrypto. */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  let offset = 2;
  const out = new Uint8Array(size * 2);
  for (let i = 0; i < 2; i++) {
    const len = der[offset + 1] as number;
    let value = der.subarray(offset + 2, offset + 2 + len);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    out.set(value, size * (i + 1) - value.length);
    offset += 2 + len;
  }
  return out;
}

/**
 * Operations per second of each op, measured in alternating slices of 200 ms over `seconds` (per op), so
 * that a noisy neighbour slows all of them alike. Bounded by time, one operation at a time.
 */
async function rates(seconds: number, ops: Array<() => Promise<unknown>>): Promise<number[]> {
  for (const op of ops) {
    const warmEnd = performance.now() + 300;
    while (performance.now() < warmEnd) await op();
  }
  const counts = ops.map(() => 0);
  const spent = ops.map(() => 0);
  const slices = Math.max(1, Math.round((seconds * 1000) / 200));
  for (let s = 0; s < slices; s++) {
    for (const [i, op] of ops.entries()) {
      const start = performance.now();
      const end = start + 200;
      let n = 0;
      while (performance.now() < end) {
        await op();
        n++;
      }
      counts[i] = (counts[i] ?? 0) + n;
      spent[i] = (spent[i] ?? 0) + (performance.now() - start);
    }
  }
  return counts.map((n, i) => n / ((spent[i] ?? 1) / 1000));
}

export async function inProcess(options: {
  signature: Uint8Array;
  artifactDigest: Uint8Array;
  anchors: PathAnchor[];
  seconds: number;
  /** Distinct signatures by the same signer, each with its artifact's digest (see distinct.ts). */
  distinct: Array<{ signature: Uint8Array; artifactDigest: Uint8Array }>;
}): Promise<InProcessFigures> {
  if (options.distinct.length <= ENVELOPE_MEMO_ENTRIES)
    throw new Error(
      `need more than ${ENVELOPE_MEMO_ENTRIES} distinct signatures to defeat the envelope memo`,
    );
  const subtle = globalThis.crypto.subtle;
  const artifact: ArtifactInput = { kind: 'digest', algorithm: 'SHA-256', value: options.artifactDigest };
  const cache = createPathCache();
  let next = 0;
  const verifyDistinct = async () => {
    const one = options.distinct[next++ % options.distinct.length] as (typeof options.distinct)[number];
    const result = await verifyPackage({
      signature: one.signature,
      artifact: { kind: 'digest', algorithm: 'SHA-256', value: one.artifactDigest },
      anchors: options.anchors,
      time: new Date(),
      subtle,
      validatePath: cache.validator,
    });
    if (!result.ok || result.outcome.verdict !== 'trusted')
      throw new Error(`distinct signature not trusted: ${JSON.stringify(result)}`);
  };
  const verify = (validatePath?: typeof cache.validator) => async () => {
    const result = await verifyPackage({
      signature: options.signature,
      artifact,
      anchors: options.anchors,
      time: new Date(),
      subtle,
      ...(validatePath ? { validatePath } : {}),
    });
    if (!result.ok || result.outcome.verdict !== 'trusted')
      throw new Error(`not trusted: ${JSON.stringify(result)}`);
  };

  const parsed = parseCmsEnvelope(options.signature, {
    maxSignatureBytes: 1 << 20,
    maxCertificates: 32,
    maxSigners: 1,
  });
  if (!parsed.ok) throw new Error(parsed.detail);
  const signer = parsed.envelope.signers[0];
  const signerDer = parsed.envelope.certificates.find((der) => {
    const cert = parseCertificate(der);
    return !('error' in cert) && !cert.extensions.basicConstraints?.cA;
  });
  if (!signer?.signedAttributes || !signerDer) throw new Error('no signer');
  const cert = parseCertificate(signerDer);
  if ('error' in cert) throw new Error('signer does not parse');
  const key = await subtle.importKey(
    'spki',
    new Uint8Array(cert.spki),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  const raw = ecdsaRaw(signer.signature, 32);
  const data = new Uint8Array(signer.signedAttributes);
  const bare = async () => {
    if (!(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw, data)))
      throw new Error('bare verify failed');
  };

  const [
    barePerSecond = 0,
    verifierPerSecond = 0,
    verifierDistinctPerSecond = 0,
    verifierUncachedPerSecond = 0,
  ] = await rates(options.seconds, [bare, verify(cache.validator), verifyDistinct, verify()]);
  return {
    verifierPerSecond,
    verifierDistinctPerSecond,
    distinctSignatures: options.distinct.length,
    verifierUncachedPerSecond,
    barePerSecond,
    ratio: verifierPerSecond / barePerSecond,
    ratioDistinct: verifierDistinctPerSecond / barePerSecond,
    ratioUncached: verifierUncachedPerSecond / barePerSecond,
    cacheHits: cache.stats().hits,
  };
}
