/**
 * Byte-for-byte equality, 4 bytes at a time when both are aligned (cached lookups compare KBs of DER).
 * Not constant-time: it compares public values (certificates, digests of signed content, key ids);
 * secrets are compared through their hashes.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  const n = a.length;
  if (n !== b.length) return false;
  let i = 0;
  if (n >= 64 && (a.byteOffset & 3) === 0 && (b.byteOffset & 3) === 0) {
    const words = n >>> 2;
    const aw = new Int32Array(a.buffer, a.byteOffset, words);
    const bw = new Int32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (aw[w] !== bw[w]) return false;
    i = words << 2;
  }
  for (; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
