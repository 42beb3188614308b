import type { DigestBytes } from '../verify';
import type { HasherFactory } from './hasher';
import { nextTurn } from './next-turn';

/** Bytes hashed between two turns of the event loop (a few milliseconds of SHA-256). */
const SLICE_BYTES = 1024 * 1024;

/**
 * A digest for the verifier that hashes large inputs (a 64 MiB artifact from a JSON body, a JAR entry)
 * in slices through the platform's incremental hasher, with a turn of the event loop between slices:
 * WebCrypto's one-shot digest copies its whole input on the main thread first (about 160 ms for 48 MiB
 * here), during which /health and every other request wait.
 */
export function slicedDigest(createHasher: HasherFactory): DigestBytes {
  return async (hash, data) => {
    const hasher = createHasher(hash);
    for (let at = 0; at < data.byteLength; at += SLICE_BYTES) {
      if (at > 0) await nextTurn();
      await hasher.update(data.subarray(at, Math.min(data.byteLength, at + SLICE_BYTES)));
    }
    return hasher.digest();
  };
}
