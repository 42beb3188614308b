/**
 * Many trust anchors, quickly: self-signed P-256 CA certificates DER-encoded by hand and signed with a
 * few reused keys (node:crypto), written as `trust-store/<vendor>/roots.pem`. 10,000 take about a second.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function tlv(tag: number, content: Uint8Array): Uint8Array {
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
const seq = (...parts: Uint8Array[]) => tlv(0x30, Buffer.concat(parts));
const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');

const OID_ECDSA_SHA256 = hex('06082a8648ce3d040302');
const OID_O = hex('060355040a');
const OID_CN = hex('0603550403');
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const name = (org: string, cn: string) =>
  seq(tlv(0x31, seq(OID_O, utf8(org))), tlv(0x31, seq(OID_CN, utf8(cn))));
const utcTime = (d: Date) => {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return tlv(0x17, Buffer.from(`${s}Z`, 'ascii'));
};
const extension = (oid: string, value: Uint8Array) => seq(hex(oid), hex('0101ff'), tlv(0x04, value));

export function selfSignedCa(
  key: { privateKey: KeyObject; spki: Uint8Array },
  org: string,
  cn: string,
): Uint8Array {
  const serial = randomBytes(9);
  serial[0] = ((serial[0] ?? 1) & 0x7f) | 0x01;
  const ski = createHash('sha1').update(key.spki).digest();
  const now = Date.now();
  const subject = name(org, cn);
  const tbs = seq(
    tlv(0xa0, hex('020102')),
    tlv(0x02, serial),
    seq(OID_ECDSA_SHA256),
    subject,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 3650 * 86_400_000))),
    subject,
    key.spki,
    tlv(
      0xa3,
      seq(
        extension('0603551d13', seq(hex('0101ff'))),
        extension('0603551d0f', hex('03020106')),
        seq(hex('0603551d0e'), tlv(0x04, tlv(0x04, ski))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, key.privateKey);
  return seq(tbs, seq(OID_ECDSA_SHA256), tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

const pem = (der: Uint8Array) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;

export function benchKeys(count: number) {
  return Array.from({ length: count }, () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { privateKey, spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
  });
}

/**
 * Writes `vendors` vendor folders of `perVendor` roots each under `dir` (the bench vendor's folder gets
 * `extraForBench` decoys next to its real roots, written by the caller).
 */
export function writeDecoyStore(
  dir: string,
  options: { vendors: number; perVendor: number; benchVendor: string; benchDecoys: number },
): number {
  const keys = benchKeys(4);
  let written = 0;
  const write = (vendor: string, count: number, file: string) => {
    const folder = join(dir, vendor);
    mkdirSync(folder, { recursive: true });
    let text = '';
    for (let i = 0; i < count; i++) {
      const key = keys[written % keys.length] as (typeof keys)[number];
      text += pem(selfSignedCa(key, `Vendor ${vendor}`, `${vendor} Root CA ${i + 1}`));
      written++;
    }
    writeFileSync(join(folder, file), text);
  };
  write(options.benchVendor, options.benchDecoys, 'decoys.pem');
  for (let v = 1; v < options.vendors; v++)
    write(`v${String(v).padStart(4, '0')}`, options.perVendor, 'roots.pem');
  return written;
}
