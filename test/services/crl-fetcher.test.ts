import { beforeAll, describe, expect, it } from 'vitest';
import { anyHttpUrl } from '../../src/advisories';
import { createCrlFetcher, createOcspFetcher } from '../../src/services/revocation';
import { type Issued, makeCrl, makeRoot } from '../verify/path/cert-factory';

const NOW = new Date('2026-06-01T00:00:00Z');
const URL = 'http://crl.example.test/ca.crl';
let ca: Issued;
let expired: Uint8Array;

beforeAll(async () => {
  ca = await makeRoot('Fetcher CA');
  expired = await makeCrl({
    issuer: ca,
    thisUpdate: new Date('2026-04-01T00:00:00Z'),
    nextUpdate: new Date('2026-04-15T00:00:00Z'),
  });
});

/** A distribution point that counts what it is asked and answers after `delayMs`. */
function server(body: () => Uint8Array, delayMs = 0) {
  const asked: string[] = [];
  const fetch = async (url: string) => {
    asked.push(url);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return new Response(new Uint8Array(body()));
  };
  return { asked, fetch };
}

describe('createCrlFetcher', () => {
  describe('when the CRL served is already past its nextUpdate', () => {
    it('passes it on, and asks again only after the failure interval (not on every request)', async () => {
      let now = NOW;
      const dp = server(() => expired);
      const fetchCrls = createCrlFetcher({ fetch: dp.fetch, now: () => now, isAllowedUrl: anyHttpUrl });
      expect(await fetchCrls([URL])).toHaveLength(1);
      expect(await fetchCrls([URL])).toHaveLength(1);
      expect(dp.asked).toHaveLength(1);
      now = new Date(NOW.getTime() + 5 * 60_000 + 1);
      await fetchCrls([URL]);
      expect(dp.asked).toHaveLength(2);
    });
  });

  describe('when many verifications need the same distribution point at once', () => {
    it('asks it once', async () => {
      const dp = server(() => expired, 20);
      const fetchCrls = createCrlFetcher({ fetch: dp.fetch, now: () => NOW, isAllowedUrl: anyHttpUrl });
      const answers = await Promise.all(Array.from({ length: 10 }, () => fetchCrls([URL])));
      expect(answers.every((a) => a.length === 1)).toBe(true);
      expect(dp.asked).toHaveLength(1);
    });
  });
});

describe('createOcspFetcher', () => {
  describe('when the responder cannot be reached', () => {
    it('answers nothing and remembers the failure instead of asking again at once', async () => {
      let calls = 0;
      const fetchOcsp = createOcspFetcher({
        fetch: async () => {
          calls++;
          throw new Error('connection reset');
        },
        now: () => NOW,
        isAllowedUrl: anyHttpUrl,
      });
      const request = {
        urls: ['http://ocsp.example.test/'],
        der: new Uint8Array([0x30, 0x00]),
        cacheKey: 'k',
      };
      expect(await fetchOcsp(request)).toEqual([]);
      expect(await fetchOcsp(request)).toEqual([]);
      expect(calls).toBe(1);
    });
  });
});
