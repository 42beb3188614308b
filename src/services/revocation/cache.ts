import type { UrlGuard } from '../../advisories/url-guard';

/**
 * What the CRL and OCSP fetchers share: how they are configured (limits left unset take each fetcher's
 * defaults) and their cache of outcomes by key. An entry with `der: null` remembers a failure, so that a
 * dead server is not asked on every request; a full cache drops its oldest entry.
 */
export interface RevocationFetcherOptions {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  now: () => Date;
  isAllowedUrl: UrlGuard;
  maxBytes?: number;
  timeoutMs?: number;
  maxAgeMs?: number;
  failureTtlMs?: number;
  maxEntries?: number;
}

export interface RevocationCacheEntry {
  der: Uint8Array | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface RevocationCache {
  /** The entry under `key` while it has not expired at `now` (epoch milliseconds). */
  fresh(key: string, now: number): RevocationCacheEntry | undefined;
  put(key: string, entry: RevocationCacheEntry): void;
}

export function createRevocationCache(maxEntries: number): RevocationCache {
  const entries = new Map<string, RevocationCacheEntry>();
  return {
    fresh(key, now) {
      const entry = entries.get(key);
      return entry && entry.expiresAt > now ? entry : undefined;
    },
    put(key, entry) {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, entry);
    },
  };
}
