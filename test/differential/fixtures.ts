import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { readCmsEnvelope } from '../../src/verify/cms-envelope';
import { readTlv } from '../../src/verify/der';
import { concatBytes, tlv } from '../helpers/der-tree';

/**
 * The signatures the differential test mutates, and how each is verified: by trustgate (`verifyPackage`
 * with the fixture's anchors, artifact and clock) and by OpenSSL (the commands that
 * scripts/fixtures/make-differential-answers.ts ran on every mutant and recorded in
 * test/fixtures/differential/<name>.json, so that the test needs no OpenSSL).
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = resolve(ROOT, 'test/fixtures');
const read = (path: string) => new Uint8Array(readFileSync(resolve(FIXTURES_DIR, path)));

const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';

export interface DifferentialFixture {
  name: string;
  /** The good signature every mutant starts from. */
  signature: Uint8Array;
  /** What the signature signs (detached), or null when it is attached. */
  artifact: Uint8Array | null;
  /** PEM files (under test/fixtures) of the roots that anchor it, for trustgate and OpenSSL alike. */
  roots: string[];
  tsaRoots: string[];
  /** The verification clock. */
  time: string;
  /** The clock OpenSSL verifies at (the token's time for the timestamped signature of an expired signer). */
  opensslTime: string;
  /**
   * The part of the signature that is mutated: [start, end) of the whole signature, or of the timestamp
   * token inside it (whose truncations are re-embedded with the enclosing lengths recomputed).
   */
  span: { start: number; end: number };
}

function jarBlock(jar: string): { block: Uint8Array; sf: Uint8Array } {
  const files = unzipSync(read(jar));
  const name = Object.keys(files).find((n) => /^META-INF\/[^/]+\.(RSA|EC|DSA)$/.test(n));
  const sfName = name?.replace(/\.(RSA|EC|DSA)$/, '.SF');
  const block = name ? files[name] : undefined;
  const sf = sfName ? files[sfName] : undefined;
  if (!block || !sf) throw new Error(`${jar} has no signature block`);
  return { block, sf };
}

/** Where the (single) timestamp token sits in a signature: the offsets of its bytes. */
function tokenSpan(signature: Uint8Array): { start: number; end: number } {
  const parsed = readCmsEnvelope(signature);
  const token = parsed.ok
    ? parsed.envelope.signers[0]?.unsignedAttributeValues.get(OID_TIMESTAMP_TOKEN)?.[0]?.[0]
    : null;
  if (!token) throw new Error('the signature carries no timestamp token');
  for (let at = 0; at + token.length <= signature.length; at++) {
    let same = true;
    for (let i = 0; i < token.length && same; i++) same = signature[at + i] === token[i];
    if (same) return { start: at, end: at + token.length };
  }
  throw new Error('token not found in the signature');
}

const whole = (bytes: Uint8Array) => ({ start: 0, end: bytes.length });

export function differentialFixtures(): DifferentialFixture[] {
  const rsa = read('cms/cases/rsa2048-sha256-detached-der-trusted/signature.der');
  const ecdsa = read('cms/cases/ecdsa-p256-sha256-detached-trusted/signature.der');
  const attached = read('cms/cases/rsa2048-sha256-attached-der-trusted/signature.der');
  const jar = jarBlock('jar/jars/signed-ec-p256-trusted.jar');
  const stamped = read('timestamp/cases/expired-signer-timestamped-trusted/signature.der');
  const acme = ['cms/trust-store/acme/acme-root-rsa.pem', 'cms/trust-store/acme/acme-root-p256.pem'];
  return [
    {
      name: 'rsa-detached',
      signature: rsa,
      artifact: read('cms/artifacts/acme-widget-1.4.2.bin'),
      roots: acme,
      tsaRoots: [],
      time: '2026-06-01T00:00:00Z',
      opensslTime: '2026-06-01T00:00:00Z',
      span: whole(rsa),
    },
    {
      name: 'ecdsa-detached',
      signature: ecdsa,
      artifact: read('cms/artifacts/acme-widget-1.4.2.bin'),
      roots: acme,
      tsaRoots: [],
      time: '2026-06-01T00:00:00Z',
      opensslTime: '2026-06-01T00:00:00Z',
      span: whole(ecdsa),
    },
    {
      name: 'rsa-attached',
      signature: attached,
      artifact: null,
      roots: acme,
      tsaRoots: [],
      time: '2026-06-01T00:00:00Z',
      opensslTime: '2026-06-01T00:00:00Z',
      span: whole(attached),
    },
    {
      name: 'jar-block',
      signature: jar.block,
      artifact: jar.sf,
      roots: ['jar/trust-store/acme/acme-jar-root.pem'],
      tsaRoots: [],
      time: '2026-06-01T00:00:00Z',
      opensslTime: '2026-06-01T00:00:00Z',
      span: whole(jar.block),
    },
    {
      name: 'timestamp-token',
      signature: stamped,
      artifact: read('timestamp/artifacts/acme-widget-2.0.0.bin'),
      roots: ['timestamp/trust-store/acme/acme-timestamp-test-root.pem'],
      tsaRoots: ['timestamp/trust-store/_tsa/fixture-tsa-root-global.pem'],
      time: '2026-06-01T00:00:00Z',
      opensslTime: '2020-06-01T12:00:05Z',
      span: tokenSpan(stamped),
    },
  ];
}

export interface Mutant {
  index: number;
  /** e.g. "bit 3 of byte 120" or "cut to 57 bytes". */
  what: string;
  signature: Uint8Array;
  /** The mutated span on its own (the token, for the timestamp fixture). */
  part: Uint8Array;
}

/**
 * Every single-bit flip of the fixture's span, then every truncation of it (to 0 .. n-1 bytes), in a
 * fixed order: mutant i of the test is mutant i of the recorded answers.
 */
export function* mutants(fixture: DifferentialFixture): Generator<Mutant> {
  const { start, end } = fixture.span;
  const base = fixture.signature;
  let index = 0;
  for (let at = start; at < end; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const signature = base.slice();
      signature[at] = (signature[at] as number) ^ (1 << bit);
      yield {
        index: index++,
        what: `bit ${bit} of byte ${at}`,
        signature,
        part: signature.subarray(start, end),
      };
    }
  }
  for (let length = 0; length < end - start; length++) {
    const part = base.subarray(start, start + length);
    yield {
      index: index++,
      what: `${start === 0 ? 'signature' : 'token'} cut to ${length} bytes`,
      signature: start === 0 && end === base.length ? part : replaceSpan(base, start, end, part),
      part,
    };
  }
}

export const mutantCount = (fixture: DifferentialFixture) => (fixture.span.end - fixture.span.start) * 9;

/**
 * `bytes` with [start, end) replaced, every enclosing DER length recomputed (the fixtures are DER, so
 * each element containing the span is found by walking down from the top).
 */
export function replaceSpan(
  bytes: Uint8Array,
  start: number,
  end: number,
  replacement: Uint8Array,
): Uint8Array {
  const rebuild = (from: number, to: number): Uint8Array => {
    if (from === start && to === end) return replacement;
    const { node, next } = readTlv(bytes, from);
    if (next !== to) throw new Error('not one element');
    const headerLength = node.raw.length - node.value.length;
    const contentStart = from + headerLength;
    const parts: Uint8Array[] = [];
    let pos = contentStart;
    while (pos < to) {
      const child = readTlv(bytes, pos).next;
      parts.push(child > start && pos < end ? rebuild(pos, child) : bytes.subarray(pos, child));
      pos = child;
    }
    return tlv(bytes[from] as number, concatBytes(parts));
  };
  return rebuild(0, bytes.length);
}
