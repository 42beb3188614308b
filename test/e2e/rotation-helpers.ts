import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CMS_FIXTURES } from '../helpers/cms-fixtures';

/** Minimal DER reading/writing: enough to swap the certificate set of a CMS SignedData. */
interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at] as number;
  let len = der[at + 1] as number;
  let contentStart = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[at + 2 + i] as number);
    contentStart += n;
  }
  return { tag, start: at, contentStart, end: contentStart + len };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(der, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function encode(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/**
 * The same CMS signature with another certificate set. The signer's signature covers the signed attributes,
 * not the certificates the envelope carries, so the signature still verifies: only the paths on offer change.
 */
export function withCertificates(signature: Uint8Array, certificates: Uint8Array[]): Uint8Array {
  const contentInfo = readTlv(signature, 0);
  const [oid, explicit] = children(signature, contentInfo) as [Tlv, Tlv];
  const signedData = readTlv(signature, explicit.contentStart);
  const parts = children(signature, signedData).filter((t) => t.tag !== 0xa0);
  const slice = (t: Tlv) => signature.subarray(t.start, t.end);
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls?, signerInfos
  const rebuilt = [slice(parts[0] as Tlv), slice(parts[1] as Tlv), slice(parts[2] as Tlv)];
  rebuilt.push(encode(0xa0, Buffer.concat(certificates)));
  for (const t of parts.slice(3)) rebuilt.push(slice(t));
  const sd = encode(0x30, Buffer.concat(rebuilt));
  return encode(0x30, Buffer.concat([slice(oid), encode(0xa0, sd)]));
}

export const pemBlocksOf = (text: string): string[] =>
  text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];

export const derOfPem = (pem: string): Uint8Array =>
  new Uint8Array(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64'));

export const cmsFixtureText = (relative: string) => readFileSync(join(CMS_FIXTURES, relative), 'utf8');

export const sha256Hex = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

export const spkiSha256Hex = (der: Uint8Array) =>
  createHash('sha256')
    .update(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

export const colonHex = (hex: string) => hex.toUpperCase().match(/../g)?.join(':') ?? '';

/** An RSS 2.0 document with the given items (description is HTML, put in CDATA). */
export function rss(
  origin: string,
  items: { guid: string; title: string; description: string; pubDate?: string }[],
): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Acme PKI announcements</title>
    <link>${origin}/</link>
    <description>Root certificate news from Acme</description>
${items
  .map(
    (i) => `    <item>
      <title>${i.title}</title>
      <link>${origin}${i.guid}</link>
      <guid isPermaLink="true">${origin}${i.guid}</guid>
      <pubDate>${i.pubDate ?? 'Fri, 15 May 2026 12:00:00 +0000'}</pubDate>
      <description><![CDATA[${i.description}]]></description>
    </item>`,
  )
  .join('\n')}
  </channel>
</rss>`;
}
