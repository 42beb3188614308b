import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { readFixture } from '../helpers/cms-fixtures';
import { createAdminTestApp, ROOTS } from '../trust/helpers/admin-client';
import {
  cmsFixtureText,
  colonHex,
  derOfPem,
  pemBlocksOf,
  rss,
  sha256Hex,
  spkiSha256Hex,
  withCertificates,
} from './rotation-helpers';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));
const R2_SPKI = spkiSha256Hex(derOfPem(R2_PEM));
const R2_CROSS_SHA256 = sha256Hex(derOfPem(R2_CROSS_PEM));
const ARTIFACT = readFixture('artifacts/acme-widget-1.4.2.bin');

/**
 * A package signed under Acme Root R2 whose envelope carries the signer, its CA and only the *self-signed*
 * R2: without the cross-certificate the chain cannot reach the trusted Acme Root CA RSA, so the store must
 * hold R2 itself. Built from the cross-signed fixture by swapping the envelope's certificate set (the
 * signature does not cover it).
 */
function r2Package(): Uint8Array {
  const base = 'cases/cross-signed-r2-via-old-root-trusted';
  const chain = pemBlocksOf(cmsFixtureText(`${base}/chain.pem`))
    .map(derOfPem)
    .filter((der) => sha256Hex(der) !== R2_CROSS_SHA256);
  expect(chain).toHaveLength(2); // signer and Acme Code Signing CA R2-1
  return withCertificates(readFixture(`${base}/signature.der`), [...chain, derOfPem(R2_PEM)]);
}

const ITEM_GUID = '/2026/05/15/acme-root-r2/';
const ITEM_TITLE = 'Acme Root R2 replaces Acme Root CA RSA for code signing';

describe('root rotation announced by a feed (issue 5, end to end)', () => {
  let server: FeedServer;
  let t: App;
  let feedId: string;
  const signature = r2Package();

  const verifyR2 = async () => {
    const res = await t.call('POST', '/verify', {
      body: {
        vendor: 'acme',
        artifact: Buffer.from(ARTIFACT).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      verdict: string;
      reasons: { code: string }[];
      anchor: { sha256: string } | null;
      escalation: {
        topCertificate: { sha256: string };
        checklist: { title: string; detail: string }[];
      } | null;
    };
  };

  beforeAll(async () => {
    server = await startFeedServer();
    server.route(
      '/feed.xml',
      serve(
        rss(server.origin, [
          {
            guid: ITEM_GUID,
            title: ITEM_TITLE,
            description: `<p>From 1 May 2026 Acme signs releases under the new <strong>Acme Root R2</strong>, cross-signed by Acme Root CA RSA.</p>
<p>SHA-256 fingerprint of Acme Root R2: <code>${colonHex(R2_SHA256)}</code></p>
<p>Download the <a href="/pki/acme-root-r2-chain.pem">R2 certificates</a> (PEM: self-signed and cross-signed).</p>`,
          },
        ]),
        { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"feed-v1"' },
      ),
    );
    server.route(
      '/pki/acme-root-r2-chain.pem',
      serve(`${R2_PEM}${R2_CROSS_PEM}`, { 'content-type': 'application/x-pem-file' }),
    );
    t = await createAdminTestApp({ allowPrivateFeeds: true });
  });
  afterAll(async () => {
    t.close();
    await server.close();
  });

  describe('when an admin subscribes the vendor feed', () => {
    it('answers 201 and GET /feeds lists it active and due', async () => {
      const res = await t.call('POST', '/vendors/acme/feeds', {
        token: t.alice,
        body: { url: `${server.origin}/feed.xml`, reason: 'Acme announces CA rotations here' },
      });
      expect(res.status).toBe(201);
      const feed = await res.json();
      feedId = feed.id;
      expect(feed).toMatchObject({ vendor: 'acme', url: `${server.origin}/feed.xml`, status: 'active' });
      const list = await (await t.call('GET', '/feeds', { token: t.bob })).json();
      expect(list.feeds).toEqual([
        expect.objectContaining({ id: feedId, status: 'active', nextPollAt: null }),
      ]);
    });
  });

  describe('when the feed is polled', () => {
    it('stores the item and makes R2 a corroborated candidate, never an active root', async () => {
      const res = await t.call('POST', `/feeds/${feedId}/poll`, { token: t.alice });
      expect(res.status).toBe(200);
      const polled = await res.json();
      expect(polled.outcome).toBe('ok');
      expect(server.requestsTo('/pki/acme-root-r2-chain.pem')).toHaveLength(1);
      expect(polled.candidates).toEqual([
        expect.objectContaining({
          kind: 'certificate',
          sha256: R2_SHA256,
          spkiSha256: R2_SPKI,
          corroborated: true,
          corroboration: expect.objectContaining({
            rootSha256: ROOTS.acmeRsa,
            crossSignSha256: R2_CROSS_SHA256,
          }),
          announcedInText: true,
        }),
      ]);

      const { candidates } = await (await t.call('GET', '/candidates?vendor=acme', { token: t.bob })).json();
      expect(candidates).toHaveLength(1);
      expect(candidates[0]).toMatchObject({
        sha256: R2_SHA256,
        corroborated: true,
        root: null,
        provenance: [
          {
            feedId,
            feedUrl: `${server.origin}/feed.xml`,
            itemGuid: `${server.origin}${ITEM_GUID}`,
            itemTitle: ITEM_TITLE,
            fetchedAt: '2026-06-01T00:00:00.000Z',
            contentHash: polled.items[0].contentHash,
          },
        ],
      });

      const roots = await (await t.call('GET', '/vendors/acme/roots', { token: t.bob })).json();
      expect(roots.roots.map((r: { sha256: string }) => r.sha256)).not.toContain(R2_SHA256);
    });
  });

  describe('when a package signed under R2 is verified before anyone approved R2', () => {
    it('is unknown_root, and the escalation names the candidate and the advisory', async () => {
      const body = await verifyR2();
      expect(body.verdict).toBe('unknown_root');
      expect(body.escalation?.topCertificate.sha256).toBe(R2_SHA256);
      const text = body.escalation?.checklist.map((s) => `${s.title}\n${s.detail}`).join('\n') ?? '';
      expect(text).toContain(ITEM_TITLE);
      expect(text).toContain(colonHex(R2_SHA256));
      expect(text).toMatch(/matches this case/);
      expect(text).toMatch(/corroborated by a cross-signature/);
    });

    it('names the candidate too when the envelope carries no R2 at all (the top certificate is issued by R2)', async () => {
      const base = 'cases/cross-signed-r2-via-old-root-trusted';
      const signerAndCa = pemBlocksOf(cmsFixtureText(`${base}/chain.pem`))
        .map(derOfPem)
        .filter((der) => sha256Hex(der) !== R2_CROSS_SHA256);
      const res = await t.call('POST', '/verify', {
        body: {
          vendor: 'acme',
          artifact: Buffer.from(ARTIFACT).toString('base64'),
          signature: Buffer.from(
            withCertificates(readFixture(`${base}/signature.der`), signerAndCa),
          ).toString('base64'),
        },
      });
      const body = await res.json();
      expect(body.verdict).toBe('unknown_root');
      expect(body.escalation.topCertificate.subject).toMatch(/Acme Code Signing CA R2-1/);
      const text = body.escalation.checklist.map((s: { detail: string }) => s.detail).join('\n');
      expect(text).toContain(colonHex(R2_SHA256));
      expect(text).toContain(ITEM_TITLE);
    });
  });

  describe('when two admins propose and approve R2', () => {
    it('makes the same package trusted, anchored at R2, and the candidate shows the active root', async () => {
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: R2_PEM, reason: 'candidate from the Acme feed, fingerprint confirmed by phone' },
      });
      expect(proposed.status).toBe(202);
      expect((await verifyR2()).verdict).toBe('unknown_root'); // pending anchors nothing

      const approved = await t.call('POST', `/roots/${R2_SHA256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'second admin: fingerprint matches the advisory and the vendor' },
      });
      expect(approved.status).toBe(200);

      const body = await verifyR2();
      expect(body.verdict).toBe('trusted');
      expect(body.anchor?.sha256).toBe(R2_SHA256);
      const { candidates } = await (await t.call('GET', '/candidates?vendor=acme', { token: t.bob })).json();
      expect(candidates[0].root).toEqual({ sha256: R2_SHA256, state: 'active' });
    });
  });
});
