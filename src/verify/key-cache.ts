/**
 * Imported verification keys, kept by (WebCrypto instance, import algorithm, SubjectPublicKeyInfo bytes):
 * importing a public key costs WebCrypto more than the signature check it serves. A CryptoKey is
 * immutable, non-extractable and usable only to verify, so sharing one between requests cannot change
 * an answer; a key that fails to import is not kept (the next request tries again and fails the same
 * way). Bounded: least recently used keys are dropped past MAX_KEYS.
 */
import { toHex } from '../encoding';

const MAX_KEYS = 2048;

const caches = new WeakMap<SubtleCrypto, Map<string, CryptoKey>>();

function keyOf(spki: Uint8Array, algorithm: unknown): string {
  return `${JSON.stringify(algorithm)}|${toHex(spki)}`;
}

export async function importVerifyKey(
  subtle: SubtleCrypto,
  spki: Uint8Array,
  algorithm: RsaHashedImportParams | EcKeyImportParams | Algorithm,
): Promise<CryptoKey> {
  let cache = caches.get(subtle);
  if (!cache) {
    cache = new Map();
    caches.set(subtle, cache);
  }
  const key = keyOf(spki, algorithm);
  const found = cache.get(key);
  if (found) {
    cache.delete(key);
    cache.set(key, found);
    return found;
  }
  const imported = await subtle.importKey('spki', new Uint8Array(spki), algorithm, false, ['verify']);
  cache.set(key, imported);
  while (cache.size > MAX_KEYS) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return imported;
}
