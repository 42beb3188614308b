import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anyHttpUrl } from '../../src/advisories/url-guard';
import { createCrlFetcher } from '../../src/services/revocation/crl-fetcher';
import { type RevocationPolicy, verifyPackage } from '../../src/verify';
import { anchorsIn } from '../helpers/jar-fixtures';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';

const subtle = globalThis.crypto.subtle;
const URL_OF_CA_CRL = 'http://crl.acme.example/signing-ca.crl';
const now = new Date('2026-06-01T00:00:00Z');

/** A fetch that serves fixed bodies by URL and counts the requests it got. */
function stubFetch(bodies: Record<string, Uint8Array | number>) {
  const calls: string[] = [];
  const fetch = async (url: string) => {
    calls.push(url);
    const body = bodies[url];
    if (body === undefined) throw new TypeError('fetch failed');
    return typeof body === 'number'
      ? new Response(null, { status: body })
      : new Response(new Uint8Array(body));
  };
  return { fetch, calls };
}

async function run(fetchCrls: (urls: string[]) => Promise<Uint8Array[]>, revocation: RevocationPolicy) {
  const c = timestampCase('signer-with-crl-distribution-point-trusted');
  const result = await verifyPackage({
    signature: readTimestampFixture(c.signature),
    artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
    anchors: anchorsIn(join(TIMESTAMP_FIXTURES, 'trust-store', 'acme')),
    crls: [readTimestampFixture('crls/root-revokes-nothing.crl')],
    fetchCrls,
    revocation,
    time: now,
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code} ${result.detail}`);
  return result.outcome;
}

describe('CRLs fetched from the distribution point the signer names', () => {
  describe('when the CRL there revokes the signer', () => {
    it('rejects with CERT_REVOKED', async () => {
      const { fetch } = stubFetch({
        [URL_OF_CA_CRL]: readTimestampFixture('crls/ca-revokes-cdp-signer-keycompromise-2026-05-01.crl'),
      });
      const outcome = await run(
        createCrlFetcher({ fetch, now: () => now, isAllowedUrl: anyHttpUrl }),
        'require',
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toContain('CERT_REVOKED');
    });
  });

  describe('when the CRL there revokes nothing', () => {
    it('trusts, and a second verification is answered from the cache', async () => {
      const { fetch, calls } = stubFetch({
        [URL_OF_CA_CRL]: readTimestampFixture('crls/ca-revokes-nothing.crl'),
      });
      const fetcher = createCrlFetcher({ fetch, now: () => now, isAllowedUrl: anyHttpUrl });
      expect((await run(fetcher, 'require')).verdict).toBe('trusted');
      expect((await run(fetcher, 'require')).verdict).toBe('trusted');
      expect(calls).toEqual([URL_OF_CA_CRL]);
    });
  });

  describe('when the distribution point cannot be reached', () => {
    it('rejects with REVOCATION_UNAVAILABLE when the vendor requires revocation', async () => {
      const { fetch } = stubFetch({ [URL_OF_CA_CRL]: 503 });
      const outcome = await run(
        createCrlFetcher({ fetch, now: () => now, isAllowedUrl: anyHttpUrl }),
        'require',
      );
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.reasons.map((r) => r.code)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
    it('trusts with a warning under best effort', async () => {
      const { fetch } = stubFetch({});
      const outcome = await run(
        createCrlFetcher({ fetch, now: () => now, isAllowedUrl: anyHttpUrl }),
        'best-effort',
      );
      expect(outcome.verdict).toBe('trusted');
      expect(outcome.warnings?.map((w) => w.code)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when the URL guard refuses the distribution point', () => {
    it('does not fetch it', async () => {
      const { fetch, calls } = stubFetch({
        [URL_OF_CA_CRL]: readTimestampFixture('crls/ca-revokes-nothing.crl'),
      });
      await run(createCrlFetcher({ fetch, now: () => now, isAllowedUrl: () => false }), 'best-effort');
      expect(calls).toEqual([]);
    });
  });

  describe('when the body is larger than the limit', () => {
    it('ignores it', async () => {
      const crl = readTimestampFixture('crls/ca-revokes-nothing.crl');
      const { fetch } = stubFetch({ [URL_OF_CA_CRL]: crl });
      const fetcher = createCrlFetcher({
        fetch,
        now: () => now,
        isAllowedUrl: anyHttpUrl,
        maxBytes: crl.length - 1,
      });
      expect(await fetcher([URL_OF_CA_CRL])).toEqual([]);
    });
  });
});
