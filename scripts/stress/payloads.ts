/**
 * The hostile inputs of issue 13, made at run time from committed fixtures (nothing large is committed):
 * a signature with 60,000 repeated unsigned attributes (~421 KB), one whose certificate bag holds a
 * certificate with 100,000 extensions, a BER signature whose content type is a 1 MB OID, and a signed JAR
 * with a 238 MiB entry of zeros that deflates to a few hundred KB. A tiny DER reader/writer of its own:
 * the service's readers are what is under test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { concatBytes } from '../../src/encoding';
import { ROOT } from '../bench/server';

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset after the last content byte. */
  end: number;
}

function readTlv(der: Uint8Array, at: number): Tlv {
  const tag = der[at] as number;
  let length = der[at + 1] as number;
  let contentStart = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[at + 2 + i] as number);
    contentStart += count;
  }
  return { tag, start: at, contentStart, end: contentStart + length };
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

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

const concat = (parts: Uint8Array[]): Uint8Array => concatBytes(...parts);

/** A DER TLV with these contents. */
function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(contents);
  return concat([Uint8Array.of(tag, ...lengthBytes(body.byteLength)), body]);
}

const bytesOf = (der: Uint8Array, t: Tlv) => der.subarray(t.start, t.end);

/** The fixture the payloads grow from: a good P-256 detached signature of vendor acme. */
export const FIXTURE_CASE = 'ecdsa-p256-sha256-detached-trusted';
const CMS = join(ROOT, 'test/fixtures/cms');

export function fixtureSignature(): Uint8Array {
  return new Uint8Array(readFileSync(join(CMS, 'cases', FIXTURE_CASE, 'signature.der')));
}

export function fixtureArtifactSha256(): string {
  const manifest = JSON.parse(readFileSync(join(CMS, 'manifest.json'), 'utf8')) as Array<{
    name: string;
    artifactSha256: string;
  }>;
  const found = manifest.find((c) => c.name === FIXTURE_CASE);
  if (!found) throw new Error(`no fixture ${FIXTURE_CASE}`);
  return found.artifactSha256;
}

/** ContentInfo -> [0] -> SignedData, and its children. */
function signedDataOf(signature: Uint8Array) {
  const contentInfo = readTlv(signature, 0);
  const [contentType, explicit] = children(signature, contentInfo);
  if (!contentType || !explicit) throw new Error('the fixture is not a ContentInfo');
  const signedData = children(signature, explicit)[0];
  if (!signedData) throw new Error('the fixture has no SignedData');
  return { contentType, signedData, parts: children(signature, signedData) };
}

/** The same signature with the SignedData's children replaced, lengths re-encoded up to the top. */
function rebuild(signature: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const { contentType } = signedDataOf(signature);
  return tlv(0x30, bytesOf(signature, contentType), tlv(0xa0, tlv(0x30, ...parts)));
}

/** 60,000 copies of one 7-byte attribute (OID 1.2, empty value set) as the signer's unsignedAttrs. */
export function repeatedUnsignedAttributes(count = 60_000): Uint8Array {
  const signature = fixtureSignature();
  const { parts } = signedDataOf(signature);
  const signerInfos = parts[parts.length - 1] as Tlv;
  const [signerInfo] = children(signature, signerInfos);
  if (!signerInfo) throw new Error('the fixture has no SignerInfo');
  const signerParts = children(signature, signerInfo).filter((p) => p.tag !== 0xa1);
  const attribute = Uint8Array.of(0x30, 0x05, 0x06, 0x01, 0x2a, 0x31, 0x00);
  const attributes = new Uint8Array(attribute.byteLength * count);
  for (let i = 0; i < count; i++) attributes.set(attribute, i * attribute.byteLength);
  const newSigner = tlv(0x30, ...signerParts.map((p) => bytesOf(signature, p)), tlv(0xa1, attributes));
  return rebuild(signature, [...parts.slice(0, -1).map((p) => bytesOf(signature, p)), tlv(0x31, newSigner)]);
}

/**
 * The fixture with one more certificate in its bag: a copy of its first certificate whose extensions are
 * 100,000 distinct ones (OIDs 1.2.x, each 10 bytes), ~1 MB in all.
 */
export function bagCertificateWithManyExtensions(count = 100_000): Uint8Array {
  const signature = fixtureSignature();
  const { parts } = signedDataOf(signature);
  const bagAt = parts.findIndex((p) => p.tag === 0xa0);
  const bag = parts[bagAt] as Tlv;
  const certificates = children(signature, bag);
  const first = certificates[0] as Tlv;
  const [tbs, algorithm, value] = children(signature, first) as [Tlv, Tlv, Tlv];
  const tbsParts = children(signature, tbs).filter((p) => p.tag !== 0xa3);
  const extensions = new Uint8Array(10 * count);
  for (let i = 0; i < count; i++) {
    const arc = i + 16_384; // three base-128 bytes, the first never 0x80 (DER-minimal)
    extensions.set(
      [0x30, 0x08, 0x06, 0x04, 0x2a, 0x80 | (arc >> 14), 0x80 | ((arc >> 7) & 0x7f), arc & 0x7f, 0x04, 0x00],
      i * 10,
    );
  }
  const bigTbs = tlv(0x30, ...tbsParts.map((p) => bytesOf(signature, p)), tlv(0xa3, tlv(0x30, extensions)));
  const bigCertificate = tlv(0x30, bigTbs, bytesOf(signature, algorithm), bytesOf(signature, value));
  const newBag = tlv(0xa0, ...certificates.map((c) => bytesOf(signature, c)), bigCertificate);
  return rebuild(
    signature,
    parts.map((p, i) => (i === bagAt ? newBag : bytesOf(signature, p))),
  );
}

/**
 * BER: an indefinite-length ContentInfo whose content type is a 1 MB OID (1.2 then one arc of ~1 MB of
 * base-128 digits), followed by the fixture's SignedData, then end-of-contents.
 */
export function berWithHugeOid(oidBytes = 1_000_000): Uint8Array {
  const signature = fixtureSignature();
  const explicit = children(signature, readTlv(signature, 0))[1] as Tlv;
  const oid = new Uint8Array(oidBytes);
  oid.fill(0x81);
  oid[0] = 0x2a;
  oid[oidBytes - 1] = 0x01;
  return concat([
    Uint8Array.of(0x30, 0x80),
    tlv(0x06, oid),
    bytesOf(signature, explicit),
    Uint8Array.of(0x00, 0x00),
  ]);
}

/**
 * A signed JAR fixture with one more entry: `bomb.bin`, `inflated` bytes of zeros deflated (238 MiB
 * become about a quarter of a MB). Its signer chains to the JAR fixtures' root, which the stress server's
 * store (the CMS fixtures') does not hold. Written by hand around node:zlib (ten times faster than a
 * JavaScript deflate on 238 MiB).
 */
export function jarZipBomb(inflated = 238 * 1024 * 1024): Uint8Array {
  const jar = readFileSync(join(ROOT, 'test/fixtures/jar/jars/signed-rsa-trusted.jar'));
  const entries = Object.entries(unzipSync(new Uint8Array(jar)));
  entries.push(['bomb.bin', new Uint8Array(inflated)]);
  return zipOf(entries);
}

/** A ZIP of deflated entries (no extra fields, no comments, DOS date 1980-01-01). */
function zipOf(entries: Array<[name: string, data: Uint8Array]>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const nameBytes = new TextEncoder().encode(name);
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(nameBytes.byteLength, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(nameBytes.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.byteLength + nameBytes.byteLength + compressed.byteLength;
  }
  const directory = concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return concat([...locals, directory, end]);
}
