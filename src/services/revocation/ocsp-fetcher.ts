import { OCSP_LIMITS, readOcspResponse } from '../../verify/ocsp';
import {
  answerEntry,
  createRevocationCache,
  type RevocationCacheEntry,
  type RevocationFetcherOptions,
} from './cache';
import { fetchCappedBytes } from './fetch-capped-bytes';

/**
 * Asks OCSP responders (RFC 6960 Appendix A.1: HTTP POST of application/ocsp-request) with limits (URL
 * guard, at most two URLs tried in order, manual redirects, capped body, timeout) and a cache by the
 * caller's key: an answer is kept until the earliest nextUpdate it states or `maxAgeMs`, whichever is
 * first; a failure (and an answer already past its nextUpdate) is remembered for `failureTtlMs` so that a
 * dead responder is not asked on every request. Concurrent asks with one key share one round trip.
 *
 * What comes back is only a successful basic OCSPResponse as received, never a verdict: `ocspStatus`
 * decides what it is worth. Failures yield no response (never an exception). A cached answer is served to
 * every caller with the same key, so a caller that caches should not send a nonce (RFC 5019 responders
 * ignore nonces anyway); freshness then rests on thisUpdate/nextUpdate.
 */

export type OcspFetcherOptions = RevocationFetcherOptions;

export interface OcspFetchRequest {
  /** Responder URLs (the certificate's AIA, or configured ones); the first MAX_URLS are tried in order. */
  urls: string[];
  /** The DER OCSPRequest (`ocspRequestFor`). */
  der: Uint8Array;
  /** What the answer is cached under (e.g. issuer key hash and serial). */
  cacheKey: string;
}

export type OcspFetcher = (request: OcspFetchRequest) => Promise<Uint8Array[]>;

export const OCSP_FETCH_DEFAULTS = {
  maxBytes: OCSP_LIMITS.maxResponseBytes,
  timeoutMs: 5_000,
  maxAgeMs: 60 * 60_000,
  failureTtlMs: 5 * 60_000,
  maxEntries: 1024,
};
export const OCSP_FETCH_MAX_URLS = 2;

export function createOcspFetcher(options: OcspFetcherOptions): OcspFetcher {
  const settings = { ...OCSP_FETCH_DEFAULTS, ...options };
  const cache = createRevocationCache(settings);

  /** The response of one responder, or null. */
  async function ask(url: string, der: Uint8Array): Promise<{ der: Uint8Array; nextUpdate: number } | null> {
    const bytes = await fetchCappedBytes(settings, url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(der),
    });
    if (!bytes) return null;
    const read = readOcspResponse(bytes);
    if (!read.ok) return null;
    const updates = read.response.responses.flatMap((s) => (s.nextUpdate ? [s.nextUpdate.getTime()] : []));
    return { der: bytes, nextUpdate: updates.length > 0 ? Math.min(...updates) : Number.POSITIVE_INFINITY };
  }

  async function fetchEntry(request: OcspFetchRequest): Promise<RevocationCacheEntry> {
    for (const url of request.urls.slice(0, OCSP_FETCH_MAX_URLS)) {
      const answer = await ask(url, request.der);
      if (!answer) continue;
      return answerEntry(answer.der, answer.nextUpdate, settings.now().getTime(), settings);
    }
    return { der: null, expiresAt: settings.now().getTime() + settings.failureTtlMs };
  }

  return async (request) => {
    const entry = await cache.get(request.cacheKey, () => fetchEntry(request));
    return entry.der ? [entry.der] : [];
  };
}
