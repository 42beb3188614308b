import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePemBlocks } from '../../src/verify';
import { OID_TIMESTAMP_TOKEN, readCmsEnvelope } from '../../src/verify/cms-envelope';
import { verifyTimestampToken } from '../../src/verify/timestamp';
import { fuzzTarget } from './harness';
import { fixtureFiles } from './seeds';
import { derStructure } from './structure';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const tsaAnchors = [
  'timestamp/trust-store/_tsa/fixture-tsa-root-global.pem',
  'timestamp/trust-store/acme/tsa/fixture-tsa-root-acme.pem',
].flatMap((file, n) =>
  decodePemBlocks(readFileSync(join(FIXTURES, file), 'utf8')).map((b, i) => ({
    id: `${n}.${i}`,
    der: b.der,
  })),
);

/** Every token the timestamp fixtures carry, with the signature value each one stamps. */
const stamped = fixtureFiles('timestamp/cases', /signature\.der$/).flatMap((signature) => {
  const read = readCmsEnvelope(signature);
  const signer = read.ok ? read.envelope.signers[0] : undefined;
  const token = signer?.unsignedAttributeValues.get(OID_TIMESTAMP_TOKEN)?.[0]?.[0];
  return signer && token ? [{ token, signatureValue: signer.signature }] : [];
});

/** The RFC 3161 token verifier on its own: tokens mutated, each against the signature value it stamped. */
fuzzTarget({
  name: 'timestamp-token',
  seeds: stamped.map((s) => s.token),
  structure: derStructure,
  run: async (token) =>
    Promise.all(
      stamped.map(({ signatureValue }) =>
        verifyTimestampToken({
          token,
          signatureValue,
          tsaAnchors,
          now: new Date('2026-06-01T00:00:00Z'),
          subtle: globalThis.crypto.subtle,
        }),
      ),
    ),
});
