/**
 * Stored XSS / HTML injection through everything the console displays. A vendor author, a feed author and
 * a caller of /verify plant markup in every field they control (vendor name and contacts, a certificate's
 * CN, feed item titles and links, reasons, case notes, the caller's file name and job URL); every page that
 * shows them must show them as text, and no link from data may be javascript: or data:.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** Markup that breaks out of text, of a double- or single-quoted attribute, and of a comment. */
const MARK = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>--><b>`;
/** How the renderer must write MARK's start into a page. */
const ESCAPED = '&lt;script';
const ARTIFACT = new TextEncoder().encode('a package under a hostile root\n');

/** The self-signed root a minted signature carries, as PEM. */
function rootPemOf(signature: Uint8Array): string {
  const info = new pkijs.ContentInfo({ schema: asn1js.fromBER(signature).result });
  const signed = new pkijs.SignedData({ schema: info.content });
  const root = (signed.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate && c.subject.toString() === c.issuer.toString(),
  );
  if (!root) throw new Error('no root in the signature');
  const b64 = Buffer.from(root.toSchema().toBER(false)).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** What a page must never contain when it shows planted data. */
function expectInert(path: string, html: string) {
  expect({ path, script: html.includes('<script') }).toEqual({ path, script: false });
  expect({ path, img: html.includes('<img') }).toEqual({ path, img: false });
  expect({ path, bold: html.includes('<b>') }).toEqual({ path, bold: false });
  expect({ path, scheme: /(href|src|action)="\s*(javascript|data|vbscript):/i.test(html) }).toEqual({
    path,
    scheme: false,
  });
}

describe('console attacks: stored XSS', () => {
  let server: FeedServer;
  let t: App;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  let rootPem: string;
  let caseIds: string[];
  beforeAll(async () => {
    const minted = await signUnderMintedRoot(ARTIFACT, MARK);
    rootPem = rootPemOf(minted.signature);
    const leaked = await signUnderMintedRoot(ARTIFACT, `${MARK} feed`);
    server = await startFeedServer();
    server.route(
      '/root.pem',
      serve(rootPemOf(leaked.signature), { 'content-type': 'application/x-pem-file' }),
    );
    const item = (title: string, link: string, description: string) =>
      `<item><title><![CDATA[${title}]]></title><link>${link}</link><guid isPermaLink="false">${title.length}-${link.length}</guid><pubDate>Fri, 15 May 2026 12:00:00 +0000</pubDate><description><![CDATA[${description}]]></description></item>`;
    server.route(
      '/feed.xml',
      serve(
        `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title><![CDATA[${MARK}]]></title><link>${server.origin}/</link><description>d</description>${[
          item(MARK, 'javascript:alert(3)', `<a href="${server.origin}/root.pem">${MARK}</a>`),
          item(
            `${MARK} 2`,
            'data:text/html,<script>alert(4)</script>',
            `<p>${MARK}</p><a href="/root.pem">r</a>`,
          ),
          item(`${MARK} 3`, `${server.origin}/"><script>alert(5)</script>`, `<a href="/root.pem">r</a>`),
        ].join('')}</channel></rss>`,
        { 'content-type': 'application/rss+xml' },
      ),
    );

    t = await createAdminTestApp({ allowPrivateFeeds: true });
    const ok = async (res: Response | Promise<Response>) => {
      const r = await res;
      if (r.status >= 400) throw new Error(`${r.status} ${await r.text()}`);
      return r;
    };
    // A vendor whose name, contacts and reasons are markup; its contacts wait as a vendor change.
    await ok(
      t.call('POST', '/vendors', {
        token: t.alice,
        body: {
          id: 'evil',
          name: MARK,
          contacts: [{ name: MARK, channel: MARK.slice(0, 50), value: `javascript:alert(6) ${MARK}` }],
          reason: MARK,
        },
      }),
    );
    // A root whose CN is markup, proposed through the API and waiting for a second admin.
    await ok(t.call('POST', '/vendors/evil/roots', { token: t.alice, body: { pem: rootPem, reason: MARK } }));
    // A feed with markup in its titles and javascript:/data: links, polled into candidates.
    const feed = await (
      await ok(
        t.call('POST', '/vendors/acme/feeds', {
          token: t.alice,
          body: { url: `${server.origin}/feed.xml`, reason: MARK },
        }),
      )
    ).json();
    await t.call('POST', `/feeds/${feed.id}/poll`, { token: t.alice });
    // Cases opened by /verify under the hostile root, with the caller's context as markup.
    caseIds = [];
    // /verify takes only a plain file name and an http(s) job URL; within those rules, the nastiest.
    for (const jobUrl of [
      `https://ci.example/"><script>alert(7)</script>`,
      `https://ci.example/'onmouseover='alert(8)'<b>`,
    ]) {
      const res = await ok(
        t.call('POST', '/verify', {
          body: {
            vendor: 'acme',
            artifact: Buffer.from(ARTIFACT).toString('base64'),
            signature: Buffer.from(minted.signature).toString('base64'),
            fileName: 'a&b {x} #1 =!%.tgz',
            jobUrl,
          },
        }),
      );
      const body = (await res.json()) as { escalation?: { id: string } };
      if (body.escalation) caseIds.push(body.escalation.id);
    }
    expect(caseIds.length).toBeGreaterThan(0);
    alice = await signInToConsole(t.app, t.alice);
    bob = await signInToConsole(t.app, t.bob);
    for (const id of new Set(caseIds)) {
      await alice.get(`/console/cases/${id}`);
      await ok(alice.post(`/console/cases/${id}/steps/1`, { done: 'true', note: MARK }));
    }
  });
  afterAll(() => {
    server?.close();
    t?.close();
  });

  it('shows every planted field as text on every page, with no script, markup or hostile link', async () => {
    const pages = new Set([
      '/console',
      '/console/cases',
      '/console/approvals',
      '/console/vendors',
      '/console/vendors/evil',
      '/console/candidates',
      '/console/candidates?vendor=acme',
      '/console/feeds',
      '/console/audit',
      '/console/api',
      ...caseIds.map((id) => `/console/cases/${id}`),
    ]);
    // Follow the links the pages give to planted data (approvals, anchors, candidates, changes).
    const seen = new Map<string, string>();
    const queue = [...pages];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      if (seen.has(path)) continue;
      const res = await bob.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const html = await res.text();
      seen.set(path, html);
      for (const [, href] of html.matchAll(
        /href="(\/console\/(?:approvals|vendors|candidates|cases)\/[^"?#]+)"/g,
      )) {
        const decoded = (href ?? '').replaceAll('&amp;', '&');
        if (!seen.has(decoded) && !decoded.endsWith('/propose') && seen.size < 80) queue.push(decoded);
      }
    }
    for (const [path, html] of seen) {
      if (path.endsWith('/checklist.md')) continue;
      expectInert(path, html);
    }
    // The Markdown checklist holds the planted text as Markdown, served as plain text the browser never parses.
    const md = await bob.get(`/console/cases/${caseIds[0]}/checklist.md`);
    expect(md.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(md.headers.get('x-content-type-options')).toBe('nosniff');
    expect(md.headers.get('content-security-policy')).toContain("default-src 'none'");
    const showing = [...seen].filter(([, html]) => html.includes(ESCAPED)).map(([path]) => path);
    for (const path of [
      '/console',
      '/console/approvals',
      '/console/vendors',
      '/console/vendors/evil',
      '/console/candidates',
      '/console/audit',
      ...caseIds.map((id) => `/console/cases/${id}`),
    ]) {
      expect(showing).toContain(path);
    }
    expect([...seen.keys()].some((p) => p.startsWith('/console/approvals/evil/roots/'))).toBe(true);
    expect([...seen.keys()].some((p) => p.startsWith('/console/approvals/evil/changes/'))).toBe(true);
    expect([...seen.keys()].some((p) => /^\/console\/candidates\/acme\/[0-9a-f]{64}$/.test(p))).toBe(true);
  });

  it('shows a pasted certificate with markup in its CN as text in the preview', async () => {
    await alice.get('/console/vendors/acme/propose');
    const res = await alice.post('/console/vendors/acme/propose', {
      action: 'preview',
      kind: 'root',
      pem: rootPem,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expectInert('preview', html);
    expect(html).toContain(ESCAPED);
  });

  it('keeps a markup next= and a markup done= out of the pages', async () => {
    const signIn = await t.app.request(
      `http://localhost/console/sign-in?next=${encodeURIComponent(`/console?"><script>alert(9)</script>`)}&why=${encodeURIComponent(MARK)}`,
    );
    expectInert('sign-in', await signIn.text());
    for (const path of ['/console/vendors/evil', `/console/cases/${caseIds[0]}`, '/console/feeds']) {
      expectInert(path, await (await bob.get(`${path}?done=${encodeURIComponent(MARK)}`)).text());
    }
  });
});
