import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePemBlocks, verifyPackage } from '../../src/verify';
import { readCmsEnvelope } from '../../src/verify/cms-envelope';
import { ocspFile, ocspResponse, withOcspResponses } from '../helpers/ocsp-fixtures';
import { fuzzTarget } from './harness';
import { fixtureFiles } from './seeds';
import { derStructure } from './structure';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const pemAnchors = (...files: string[]) =>
  files.flatMap((file, n) =>
    decodePemBlocks(readFileSync(join(FIXTURES, file), 'utf8')).map((b, i) => ({
      id: `${n}.${i}`,
      der: b.der,
    })),
  );
const anchors = pemAnchors(
  'cms/trust-store/acme/acme-root-rsa.pem',
  'cms/trust-store/acme/acme-root-p256.pem',
  'timestamp/trust-store/acme/acme-timestamp-test-root.pem',
);
const tsaAnchors = pemAnchors('timestamp/trust-store/_tsa/fixture-tsa-root-global.pem');
const artifacts = [
  new Uint8Array(readFileSync(join(FIXTURES, 'cms/artifacts/acme-widget-1.4.2.bin'))),
  new Uint8Array(readFileSync(join(FIXTURES, 'timestamp/artifacts/acme-widget-2.0.0.bin'))),
];

const contains = (haystack: Uint8Array, needle: Uint8Array) =>
  Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1;

const seeds = [
  ...fixtureFiles('cms/cases', /signature\.der$/),
  ...fixtureFiles('timestamp/cases', /signature\.der$/),
  withOcspResponses(ocspFile('signatures/leaf-good.der'), [ocspResponse('good-by-responder')]),
];

/**
 * The envelope reader alone: whatever it keeps (certificates, CRLs, OCSP responses, attributes) is bytes of
 * the input.
 */
fuzzTarget({
  name: 'cms-envelope',
  seeds,
  structure: derStructure,
  run: (input) => readCmsEnvelope(input),
  check: (input, result) => {
    const read = result as ReturnType<typeof readCmsEnvelope>;
    if (!read.ok) return;
    const { certificates, crls, ocspResponses } = read.envelope;
    for (const der of [...certificates, ...crls, ...ocspResponses])
      if (!contains(input, der))
        throw new Error('the envelope keeps a certificate, CRL or OCSP response it was not sent');
  },
});

/**
 * The whole verification, against both artifacts the seeds sign (the acme roots, the global TSA root,
 * the clock of the fixtures): a trusted verdict is about a signer certificate in the input, byte for byte.
 */
fuzzTarget({
  name: 'verify-package',
  seeds,
  structure: derStructure,
  run: async (input) =>
    Promise.all(
      artifacts.map((bytes) =>
        verifyPackage({
          signature: input,
          artifact: { kind: 'bytes', bytes },
          anchors,
          tsaAnchors,
          time: new Date('2026-06-01T00:00:00Z'),
          subtle: globalThis.crypto.subtle,
        }),
      ),
    ),
  check: (input, result) => {
    for (const r of result as Awaited<ReturnType<typeof verifyPackage>>[]) {
      if (!r.ok || r.outcome.verdict !== 'trusted') continue;
      if (!r.outcome.signerDer || !contains(input, r.outcome.signerDer))
        throw new Error('trusted a signer certificate the input does not carry');
    }
  },
});
