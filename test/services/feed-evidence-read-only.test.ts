import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredCandidate } from '../../src/advisories';
import { schema } from '../../src/db';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import {
  cmsFixtureText,
  colonHex,
  derOfPem,
  pemBlocksOf,
  rss,
  sha256Hex,
  withCertificates,
} from '../e2e/rotation-helpers';
import { readFixture } from '../helpers/cms-fixtures';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));
const R2_CROSS_SHA256 = sha256Hex(derOfPem(R2_CROSS_PEM));
const CASE = 'cases/cross-signed-r2-via-old-root-trusted';
const ITEM_TITLE = 'Acme Root R2 replaces Acme Root CA RSA for code signing';

/** A package signed under Acme Root R2 whose envelope stops at its CA: the top certificate is issued by R2. */
function packageUnderR2(): Uint8Array {
  const signerAndCa = pemBlocksOf(cmsFixtureText(`${CASE}/chain.pem`))
    .map(derOfPem)
    .filter((der) => sha256Hex(der) !== R2_CROSS_SHA256);
  return withCertificates(readFixture(`${CASE}/signature.der`), signerAndCa);
}

describe('escalation evidence', () => {
  let server: FeedServer;
  let t: App;
  const candidateTable = () => t.db.select().from(schema.candidates).orderBy(schema.candidates.key);

  beforeAll(async () => {
    server = await startFeedServer();
    server.route(
      '/feed.xml',
      serve(
        rss(server.origin, [
          {
            guid: '/2026/05/15/acme-root-r2/',
            title: ITEM_TITLE,
            description: `<p>SHA-256 of Acme Root R2: <code>${colonHex(R2_SHA256)}</code>.
<a href="/pki/acme-root-r2-chain.pem">R2 certificates</a></p>`,
          },
        ]),
        { 'content-type': 'application/rss+xml' },
      ),
    );
    server.route(
      '/pki/acme-root-r2-chain.pem',
      serve(`${R2_PEM}${R2_CROSS_PEM}`, { 'content-type': 'application/x-pem-file' }),
    );
    t = await createAdminTestApp({ allowPrivateFeeds: true });
    const subscribed = await t.call('POST', '/vendors/acme/feeds', {
      token: t.alice,
      body: { url: `${server.origin}/feed.xml`, reason: 'Acme announces CA rotations here' },
    });
    const polled = await t.call('POST', `/feeds/${(await subscribed.json()).id}/poll`, { token: t.alice });
    expect(polled.status).toBe(200);
  });
  afterAll(async () => {
    t.close();
    await server.close();
  });

  describe('when a POST /verify with an unknown root opens an escalation', () => {
    it('does not change any candidate row, even one whose stored corroboration is out of date', async () => {
      // As if polled before Acme Root CA RSA was active: the stored row says "not corroborated", the roots
      // active now say otherwise, so a re-check that stored its answer would rewrite the row.
      const repository = createCandidateRepository(t.db);
      const [stale] = (await repository.list({ vendorId: 'acme' })) as [StoredCandidate];
      if (stale.data.kind !== 'certificate') throw new Error('the feed gave R2 as a certificate');
      await repository.put({ ...stale, data: { ...stale.data, corroborated: false, corroboration: null } });
      const before = await candidateTable();
      expect(before).toEqual([expect.objectContaining({ key: R2_SHA256, corroborated: false })]);

      const res = await t.call('POST', '/verify', {
        body: {
          vendor: 'acme',
          artifact: Buffer.from(readFixture('artifacts/acme-widget-1.4.2.bin')).toString('base64'),
          signature: Buffer.from(packageUnderR2()).toString('base64'),
        },
      });
      const body = await res.json();
      expect(body.verdict).toBe('unknown_root');
      const cited = body.escalation.checklist.map((s: { detail: string }) => s.detail).join('\n');
      expect(cited).toContain(ITEM_TITLE);
      expect(cited).toMatch(/corroborated by a cross-signature/); // as of the roots active now, in memory

      expect(await candidateTable()).toEqual(before);
    });
  });

  describe('when an admin lists the candidates afterwards', () => {
    it('still stores the corroboration re-checked against the roots active now', async () => {
      const res = await t.call('GET', '/candidates?vendor=acme', { token: t.bob });
      expect((await res.json()).candidates).toEqual([
        expect.objectContaining({ sha256: R2_SHA256, corroborated: true }),
      ]);
      expect(await candidateTable()).toEqual([
        expect.objectContaining({ key: R2_SHA256, corroborated: true }),
      ]);
    });
  });
});
