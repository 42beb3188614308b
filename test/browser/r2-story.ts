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
import { apiCall } from './story';

/**
 * The on-call story of issue 18 over HTTP, with Acme Root R2 (as test/e2e/rotation.test.ts tells it):
 * Acme's feed, served on 127.0.0.1, announces R2 and links its PEM; an admin subscribes the feed and polls
 * it, which makes R2 a candidate; a package signed under R2, whose envelope lacks the cross-certificate,
 * is sent to a real POST /verify, which answers unknown_root and opens a case. The app must be built with
 * `allowPrivateFeeds: true`. Used by the browser tests and scripts/console-screenshots.ts.
 */

export const R2_PEM = cmsFixtureText('extra-roots/acme-root-r2.pem');
const R2_CROSS_PEM = cmsFixtureText('extra-roots/acme-root-r2-cross-signed-by-acme-root-rsa.pem');
export const R2_SHA256 = sha256Hex(derOfPem(R2_PEM));
const R2_CROSS_SHA256 = sha256Hex(derOfPem(R2_CROSS_PEM));
const ARTIFACT = readFixture('artifacts/acme-widget-1.4.2.bin');
export const R2_VENDOR = 'acme';
export const R2_ITEM_TITLE = 'Acme Root R2 replaces Acme Root CA RSA for code signing';
const ITEM_GUID = '/2026/05/15/acme-root-r2/';

/** The package signed under R2 whose envelope carries the signer, its CA and the self-signed R2 only. */
function r2Signature(): Uint8Array {
  const base = 'cases/cross-signed-r2-via-old-root-trusted';
  const chain = pemBlocksOf(cmsFixtureText(`${base}/chain.pem`))
    .map(derOfPem)
    .filter((der) => sha256Hex(der) !== R2_CROSS_SHA256);
  return withCertificates(readFixture(`${base}/signature.der`), [...chain, derOfPem(R2_PEM)]);
}

/** Acme's feed on a server of its own: one item announcing R2, and the PEM it links. */
export async function startAcmeFeed(): Promise<FeedServer> {
  const server = await startFeedServer();
  server.route(
    '/feed.xml',
    serve(
      rss(server.origin, [
        {
          guid: ITEM_GUID,
          title: R2_ITEM_TITLE,
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
  return server;
}

/** An admin subscribes Acme's feed and polls it: R2 becomes a candidate. The feed's id. */
export async function subscribeAndPoll(
  baseUrl: string,
  feed: FeedServer,
  adminToken: string,
): Promise<string> {
  const subscribed = await apiCall(baseUrl, 'POST', `/vendors/${R2_VENDOR}/feeds`, adminToken, {
    url: `${feed.origin}/feed.xml`,
    reason: 'Acme announces CA rotations here',
  });
  const feedId = String(subscribed.id);
  const polled = await apiCall(baseUrl, 'POST', `/feeds/${feedId}/poll`, adminToken);
  if (polled.outcome !== 'ok')
    throw new Error(`polling the Acme feed: ${JSON.stringify(polled).slice(0, 300)}`);
  return feedId;
}

export interface R2Verdict {
  verdict: string;
  anchor: { sha256: string } | null;
  escalation: { id: string } | null;
}

/** POST /verify of the package signed under R2, as a pipeline sends it (JSON, no token). */
export async function verifyR2Package(baseUrl: string): Promise<R2Verdict> {
  const res = await fetch(`${baseUrl}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      vendor: R2_VENDOR,
      artifact: Buffer.from(ARTIFACT).toString('base64'),
      signature: Buffer.from(r2Signature()).toString('base64'),
      fileName: 'acme-widget-1.4.2.bin',
    }),
  });
  if (res.status !== 200) throw new Error(`POST /verify: ${res.status} ${await res.text()}`);
  return (await res.json()) as R2Verdict;
}

/** The first /verify of the R2 package: unknown_root, and the case it opened. */
export async function openR2Case(baseUrl: string): Promise<string> {
  const verdict = await verifyR2Package(baseUrl);
  if (verdict.verdict !== 'unknown_root' || !verdict.escalation) {
    throw new Error(`expected an unknown_root case, got ${JSON.stringify(verdict).slice(0, 300)}`);
  }
  return verdict.escalation.id;
}
