/**
 * Remembering pure functions of byte strings: an entry is found by a cheap hash (FNV-1a) and served only
 * when its bytes and tag are identical to the request's, so a hash collision is a miss, never another
 * input's answer. Bounded: least recently used entries are dropped past `maxEntries`. Results are shared
 * between callers and must not be mutated.
 */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function createBytesMemo<T>(maxEntries: number) {
  const entries = new Map<string, { bytes: Uint8Array; tag: string; value: T }>();
  return (bytes: Uint8Array, tag: string, compute: () => T): T => {
    const key = `${fnv1a(bytes)}:${bytes.length}:${tag}`;
    const found = entries.get(key);
    if (found && found.tag === tag && sameBytes(found.bytes, bytes)) {
      entries.delete(key);
      entries.set(key, found);
      return found.value;
    }
    const value = compute();
    entries.set(key, { bytes: new Uint8Array(bytes), tag, value });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    return value;
  };
}
