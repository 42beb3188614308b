import { bytesEqual } from '../encoding';
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

export interface MemoBounds {
  maxEntries: number;
  /** Inputs larger than this are computed but never kept (one huge certificate must not fill memory). */
  maxInputBytes?: number;
  /** Sum of kept inputs' sizes, as a proxy for what their results hold; oldest dropped past it. */
  maxTotalBytes?: number;
}

const DEFAULT_MAX_INPUT_BYTES = 16 * 1024;
const DEFAULT_MAX_TOTAL_BYTES = 8 * 1024 * 1024;

export function createBytesMemo<T>(bounds: number | MemoBounds) {
  const {
    maxEntries,
    maxInputBytes = DEFAULT_MAX_INPUT_BYTES,
    maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES,
  } = typeof bounds === 'number' ? { maxEntries: bounds } : bounds;
  const entries = new Map<string, { bytes: Uint8Array; tag: string; value: T }>();
  let totalBytes = 0;
  return (bytes: Uint8Array, tag: string, compute: () => T): T => {
    const key = `${fnv1a(bytes)}:${bytes.length}:${tag}`;
    const found = entries.get(key);
    if (found && found.tag === tag && bytesEqual(found.bytes, bytes)) {
      entries.delete(key);
      entries.set(key, found);
      return found.value;
    }
    const value = compute();
    if (bytes.length > maxInputBytes) return value;
    const replaced = entries.get(key);
    if (replaced) totalBytes -= replaced.bytes.length;
    entries.set(key, { bytes: new Uint8Array(bytes), tag, value });
    totalBytes += bytes.length;
    while (entries.size > maxEntries || totalBytes > maxTotalBytes) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      totalBytes -= entries.get(oldest)?.bytes.length ?? 0;
      entries.delete(oldest);
    }
    return value;
  };
}
