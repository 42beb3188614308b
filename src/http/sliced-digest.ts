import type { DigestBytes, DigestParts } from '../verify';
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

/**
 * The same for a digest over several ranges of one buffer (the Authenticode image hash skips three holes
 * in a PE file): each part hashed in slices, never concatenated.
 */
export function slicedDigestParts(createHasher: HasherFactory): DigestParts {
  return async (hash, parts) => {
    const hasher = createHasher(hash);
    let sinceTurn = 0;
    for (const part of parts) {
      for (let at = 0; at < part.byteLength; at += SLICE_BYTES) {
        const slice = part.subarray(at, Math.min(part.byteLength, at + SLICE_BYTES));
        if (sinceTurn + slice.byteLength > SLICE_BYTES) {
          await nextTurn();
          sinceTurn = 0;
        }
        sinceTurn += slice.byteLength;
        await hasher.update(slice);
      }
    }
    return hasher.digest();
  };
}
