import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyHttpUrl } from '../../src/advisories/url-guard';
import { createOcspFetcher, type OcspFetcherOptions } from '../../src/services/revocation/ocsp-fetcher';
import { ocspRequestFor, ocspStatus } from '../../src/verify/ocsp';
import { SignatureChecker } from '../../src/verify/path/signature-checker';
import { OCSP_TIME, ocspCertificate, ocspManifest, ocspResponse } from '../helpers/ocsp-fixtures';
import { type OcspResponder, startOcspResponder } from '../helpers/ocsp-responder';

const subtle = globalThis.crypto.subtle;
const ca = ocspCertificate('ca');
const good = ocspCertificate('leaf-good');
const revoked = ocspCertificate('leaf-revoked');
const unknownLeaf = ocspCertificate('leaf-unknown');
const MINUTE = 60_000;

/** A fetch that answers by URL (bytes, a status, or a failure) and records what it was sent. */
function stubFetch(answers: Record<string, Uint8Array | number | 'hang'>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    const answer = answers[url];
    if (answer === undefined) throw new TypeError('fetch failed');
    if (answer === 'hang')
      return new Promise((_, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    return typeof answer === 'number' ? new Response(null, { status: answer }) : new Response(answer.slice());
  };
  return { fetch, calls };
}

function fetcherWith(
  fetch: OcspFetcherOptions['fetch'],
  clock: { now: Date },
  extra: Partial<OcspFetcherOptions> = {},
) {
  return createOcspFetcher({ fetch, now: () => clock.now, isAllowedUrl: anyHttpUrl, ...extra });
}

const request = (urls: string[], cacheKey = 'leaf-good') => ({
  urls,
  der: ocspRequestFor(good, ca),
  cacheKey,
});
const A = 'http://ocsp-a.example/';
const B = 'http://ocsp-b.example/';
const C = 'http://ocsp-c.example/';

describe('createOcspFetcher', () => {
  describe('when the responder answers', () => {
    it('POSTs the DER request as application/ocsp-request, without following redirects', async () => {
      const { fetch, calls } = stubFetch({ [A]: ocspResponse('good-by-responder') });
      const req = request([A]);
      const out = await fetcherWith(fetch, { now: OCSP_TIME })(req);
      expect(out.map((b) => Buffer.from(b))).toEqual([Buffer.from(ocspResponse('good-by-responder'))]);
      expect(calls[0]?.init).toMatchObject({
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/ocsp-request' },
      });
      expect(Buffer.from(calls[0]?.init.body as Uint8Array)).toEqual(Buffer.from(req.der));
    });
    it('serves the answer from the cache until its nextUpdate, then asks again', async () => {
      const { fetch, calls } = stubFetch({ [A]: ocspResponse('good-by-responder') });
      const clock = { now: OCSP_TIME };
      const fetcher = fetcherWith(fetch, clock, { maxAgeMs: 30 * 24 * 60 * MINUTE });
      await fetcher(request([A]));
      clock.now = new Date(OCSP_TIME.getTime() + 6 * 24 * 60 * MINUTE);
      expect(await fetcher(request([A]))).toHaveLength(1);
      expect(calls).toHaveLength(1);
      clock.now = new Date(OCSP_TIME.getTime() + 8 * 24 * 60 * MINUTE);
      await fetcher(request([A]));
      expect(calls).toHaveLength(2);
    });
    it('keeps an answer no longer than maxAgeMs', async () => {
      const { fetch, calls } = stubFetch({ [A]: ocspResponse('good-by-responder') });
      const clock = { now: OCSP_TIME };
      const fetcher = fetcherWith(fetch, clock, { maxAgeMs: 10 * MINUTE });
      await fetcher(request([A]));
      clock.now = new Date(OCSP_TIME.getTime() + 11 * MINUTE);
      await fetcher(request([A]));
      expect(calls).toHaveLength(2);
    });
    it('asks once for concurrent requests with the same key', async () => {
      const { fetch, calls } = stubFetch({ [A]: ocspResponse('good-by-responder') });
      const fetcher = fetcherWith(fetch, { now: OCSP_TIME });
      const both = await Promise.all([fetcher(request([A])), fetcher(request([A]))]);
      expect(both.map((r) => r.length)).toEqual([1, 1]);
      expect(calls).toHaveLength(1);
    });
  });

  describe('when a responder fails', () => {
    it('tries the next URL, and never more than two', async () => {
      const { fetch, calls } = stubFetch({ [A]: 503, [C]: ocspResponse('good-by-responder') });
      expect(await fetcherWith(fetch, { now: OCSP_TIME })(request([A, B, C]))).toEqual([]);
      expect(calls.map((c) => c.url)).toEqual([A, B]);
    });
    it('yields nothing for a redirect, an oversized body, bytes that are no OCSP response, or an unsuccessful status', async () => {
      const bodies = [
        302,
        new Uint8Array(70 * 1024),
        Uint8Array.of(1, 2, 3),
        Uint8Array.of(0x30, 3, 0x0a, 1, 3),
      ];
      for (const body of bodies) {
        const { fetch } = stubFetch({ [A]: body });
        expect(await fetcherWith(fetch, { now: OCSP_TIME })(request([A]))).toEqual([]);
      }
    });
    it('gives up after timeoutMs', async () => {
      const { fetch } = stubFetch({ [A]: 'hang' });
      expect(await fetcherWith(fetch, { now: OCSP_TIME }, { timeoutMs: 50 })(request([A]))).toEqual([]);
    });
    it('remembers the failure for failureTtlMs', async () => {
      const { fetch, calls } = stubFetch({ [A]: 503 });
      const clock = { now: OCSP_TIME };
      const fetcher = fetcherWith(fetch, clock, { failureTtlMs: 5 * MINUTE });
      await fetcher(request([A]));
      await fetcher(request([A]));
      expect(calls).toHaveLength(1);
      clock.now = new Date(OCSP_TIME.getTime() + 6 * MINUTE);
      await fetcher(request([A]));
      expect(calls).toHaveLength(2);
    });
  });

  describe('when the URL guard refuses the URL', () => {
    it('never fetches it', async () => {
      const { fetch, calls } = stubFetch({ [A]: ocspResponse('good-by-responder') });
      const fetcher = fetcherWith(fetch, { now: OCSP_TIME }, { isAllowedUrl: () => false });
      expect(await fetcher(request([A]))).toEqual([]);
      expect(calls).toEqual([]);
    });
  });
});

/**
 * The fetcher, the request and the status check against OpenSSL answering live on 127.0.0.1. OpenSSL
 * stamps its answers with the real clock, so the check runs at the clock read when the suite starts.
 */
describe('OCSP against a live OpenSSL responder', () => {
  let responder: OcspResponder;
  const clock = { now: new Date() };
  beforeAll(async () => {
    responder = await startOcspResponder(10);
    clock.now = new Date();
  });
  afterAll(async () => {
    await responder.close();
  });

  const statusThrough = async (
    fetcher: ReturnType<typeof createOcspFetcher>,
    cert: typeof good,
    nonce?: Uint8Array,
  ) =>
    ocspStatus({
      cert,
      issuer: ca,
      responses: await fetcher({
        urls: [responder.url],
        der: ocspRequestFor(cert, ca, nonce),
        cacheKey: cert.serialHex,
      }),
      time: clock.now,
      checker: new SignatureChecker(subtle, 64),
      ...(nonce ? { nonce } : {}),
    });
  const fetcher = () =>
    createOcspFetcher({ fetch: globalThis.fetch, now: () => clock.now, isAllowedUrl: anyHttpUrl });

  describe('when asked about each leaf', () => {
    it('says good, revoked (with time and reason) and unknown', async () => {
      const f = fetcher();
      expect((await statusThrough(f, good)).kind).toBe('good');
      expect(await statusThrough(f, revoked)).toMatchObject({
        kind: 'revoked',
        date: new Date(ocspManifest.revokedAt),
        reasonCode: ocspManifest.revokedReasonCode,
      });
      expect(await statusThrough(f, unknownLeaf)).toMatchObject({
        kind: 'unknown',
        why: [expect.stringContaining('does not know the certificate')],
      });
    });
  });

  describe('when the request carries a nonce', () => {
    it('gets it echoed, and the answer checks against it', async () => {
      const nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
      expect((await statusThrough(fetcher(), good, nonce)).kind).toBe('good');
    });
  });

  describe('when the same certificate is asked about again', () => {
    it('answers from the cache until nextUpdate (10 minutes), then asks the responder again', async () => {
      const f = fetcher();
      const before = responder.requests();
      expect((await statusThrough(f, good)).kind).toBe('good');
      expect((await statusThrough(f, good)).kind).toBe('good');
      expect(responder.requests()).toBe(before + 1);
      const started = clock.now;
      clock.now = new Date(started.getTime() + 11 * MINUTE);
      try {
        await f({ urls: [responder.url], der: ocspRequestFor(good, ca), cacheKey: good.serialHex });
      } finally {
        clock.now = started;
      }
      expect(responder.requests()).toBe(before + 2);
    });
  });

  describe('when the responder is gone', () => {
    it('yields no response', async () => {
      const gone = await startOcspResponder();
      const url = gone.url;
      await gone.close();
      const f = fetcher();
      expect(await f({ urls: [url], der: ocspRequestFor(good, ca), cacheKey: 'gone' })).toEqual([]);
    });
  });
});
