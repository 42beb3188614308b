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
  /**
   * The entry under `key`: the cached one while it has not expired, else the one `load` makes. Concurrent
   * callers with one key share one `load` (one round trip, however many requests wait on it), and its
   * entry is kept whether or not it holds an answer.
   */
  get(key: string, load: () => Promise<RevocationCacheEntry>): Promise<RevocationCacheEntry>;
}

/**
 * How long an answer is kept: until its nextUpdate or `maxAgeMs`, whichever is first. An answer already
 * past its nextUpdate is kept like a failure, for `failureTtlMs`: it would otherwise expire at once and be
 * fetched again on every request.
 */
export function answerEntry(
  der: Uint8Array,
  nextUpdate: number,
  now: number,
  limits: { maxAgeMs: number; failureTtlMs: number },
): RevocationCacheEntry {
  const until = Math.min(now + limits.maxAgeMs, nextUpdate);
  return { der, expiresAt: until > now ? until : now + limits.failureTtlMs };
}

export function createRevocationCache(settings: { maxEntries: number; now: () => Date }): RevocationCache {
  const entries = new Map<string, RevocationCacheEntry>();
  const inFlight = new Map<string, Promise<RevocationCacheEntry>>();
  const put = (key: string, entry: RevocationCacheEntry) => {
    entries.delete(key);
    if (entries.size >= settings.maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, entry);
  };
  return {
    get(key, load) {
      const cached = entries.get(key);
      if (cached && cached.expiresAt > settings.now().getTime()) return Promise.resolve(cached);
      let pending = inFlight.get(key);
      if (!pending) {
        // Removed however `load` ends: a rejected load must not answer every later caller with its error.
        pending = load()
          .then((entry) => {
            put(key, entry);
            return entry;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
