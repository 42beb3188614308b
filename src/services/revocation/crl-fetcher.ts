import { parseCrlInfo } from '../../verify/crl-upload';
import { createRevocationCache, type RevocationCacheEntry, type RevocationFetcherOptions } from './cache';
import { fetchCappedBytes } from './fetch-capped-bytes';

/**
 * Fetches CRLs from the distribution points certificates name, with limits (URL guard, size, time) and a
 * cache: a CRL is kept until its nextUpdate or `maxAgeMs`, whichever is first; a failure is remembered for
 * `failureTtlMs` so that a dead distribution point is not asked on every request. Fetch failures yield no
 * CRL (never an exception): what that means is the vendor's revocation policy's to say.
 */

export type CrlFetcherOptions = RevocationFetcherOptions;

export const CRL_FETCH_DEFAULTS = {
  maxBytes: 2 * 1024 * 1024,
  timeoutMs: 5_000,
  maxAgeMs: 60 * 60_000,
  failureTtlMs: 5 * 60_000,
  maxEntries: 256,
};

export function createCrlFetcher(options: CrlFetcherOptions): (urls: string[]) => Promise<Uint8Array[]> {
  const settings = { ...CRL_FETCH_DEFAULTS, ...options };
  const cache = createRevocationCache(settings.maxEntries);

  async function fetchOne(url: string): Promise<RevocationCacheEntry> {
    const now = settings.now().getTime();
    const failed: RevocationCacheEntry = { der: null, expiresAt: now + settings.failureTtlMs };
    const bytes = await fetchCappedBytes(settings, url);
    const info = bytes ? parseCrlInfo(bytes) : null;
    if (!bytes || !info) return failed;
    const nextUpdate = info.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY;
    return { der: bytes, expiresAt: Math.min(now + settings.maxAgeMs, nextUpdate) };
  }

  return async (urls) => {
    const now = settings.now().getTime();
    const entries = await Promise.all(
      urls.map(async (url) => {
        const cached = cache.fresh(url, now);
        if (cached) return cached;
        const entry = await fetchOne(url);
        cache.put(url, entry);
        return entry;
      }),
    );
    return entries.flatMap((e) => (e.der ? [e.der] : []));
  };
}
