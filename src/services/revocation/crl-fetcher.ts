import { parseCrlMemo } from '../../verify/crl-memo';
import {
  answerEntry,
  createRevocationCache,
  type RevocationCacheEntry,
  type RevocationFetcherOptions,
} from './cache';
import { fetchCappedBytes } from './fetch-capped-bytes';

/**
 * Fetches CRLs from the distribution points certificates name, with limits (URL guard, size, time) and a
 * cache: a CRL is kept until its nextUpdate or `maxAgeMs`, whichever is first; a failure is remembered for
 * `failureTtlMs` so that a dead distribution point is not asked on every request. Fetch failures yield no
 * CRL (never an exception): what that means is the vendor's revocation policy's to say.
 *
 * Every CertificateList that parses is passed on, even one the path check will not count as coverage (no
 * CRLNumber, a serial listed twice, an unknown critical extension): signed by the CA, such a CRL still
 * revokes what it lists, and only the path check (verify/path/revocation.ts) knows whose signature it is.
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
  const cache = createRevocationCache(settings);

  async function fetchOne(url: string): Promise<RevocationCacheEntry> {
    const bytes = await fetchCappedBytes(settings, url);
    // Parsed through the memo the path check reads too, so the CRL is not read twice.
    const crl = bytes ? parseCrlMemo(bytes) : null;
    const now = settings.now().getTime();
    if (!bytes || !crl) return { der: null, expiresAt: now + settings.failureTtlMs };
    return answerEntry(bytes, crl.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY, now, settings);
  }

  return async (urls) => {
    const entries = await Promise.all(urls.map((url) => cache.get(url, () => fetchOne(url))));
    return entries.flatMap((e) => (e.der ? [e.der] : []));
  };
}
