import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { OID, verifySignature } from '../../src/verify/signature';

const DIR = join(import.meta.dirname, '../conformance/wycheproof');
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

const HASH_OID: Record<string, string> = {
  'SHA-1': OID.sha1,
  'SHA-224': OID.sha224,
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};
const RSA_PKCS1: Record<string, string> = {
  'SHA-256': OID.sha256WithRsa,
  'SHA-384': OID.sha384WithRsa,
  'SHA-512': OID.sha512WithRsa,
};
const ECDSA: Record<string, string> = {
  'SHA-256': OID.ecdsaWithSha256,
  'SHA-384': OID.ecdsaWithSha384,
  'SHA-512': OID.ecdsaWithSha512,
};
const STRONG = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

interface Group {
  type: string;
  sha?: string;
  mgfSha?: string;
  sLen?: number;
  publicKeyDer: string;
  tests: Array<{
    tcId: number;
    comment: string;
    msg: string;
    sig: string;
    result: 'valid' | 'invalid' | 'acceptable';
  }>;
}

const der = (algorithm: pkijs.AlgorithmIdentifier) => new Uint8Array(algorithm.toSchema().toBER());
const hashId = (sha: string) =>
  new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[sha] ?? '0.0', algorithmParams: new asn1js.Null() });

function algorithmFor(group: Group): Uint8Array {
  const sha = group.sha ?? '';
  switch (group.type) {
    case 'RsassaPkcs1Verify':
      return der(
        new pkijs.AlgorithmIdentifier({
          algorithmId: RSA_PKCS1[sha] ?? '0.0',
          algorithmParams: new asn1js.Null(),
        }),
      );
    case 'RsassaPssVerify': {
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: hashId(sha),
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
          algorithmId: OID.mgf1,
          algorithmParams: hashId(group.mgfSha ?? sha).toSchema(),
        }),
        saltLength: group.sLen ?? 20,
      });
      return der(
        new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() }),
      );
    }
    case 'EcdsaVerify':
    case 'EcdsaP1363Verify':
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA[sha] ?? '0.0' }));
    default:
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 }));
  }
}

/** CMS and X.509 carry ECDSA as DER; a P1363 vector is run by giving its r||s the one DER form it has. */
function p1363ToDer(raw: Uint8Array, size: number): Uint8Array | null {
  if (raw.length !== size * 2) return null;
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    return new asn1js.Integer({
      valueHex: ((trimmed[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed).slice().buffer,
    });
  };
  const seq = new asn1js.Sequence({ value: [int(raw.subarray(0, size)), int(raw.subarray(size))] });
  return new Uint8Array(seq.toBER());
}

const CURVE_SIZE: Record<string, number> = { secp256r1: 32, secp384r1: 48, secp521r1: 66 };

const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('verifySignature on Wycheproof', () => {
  for (const file of files) {
    describe(`when the vectors are ${file}`, () => {
      const data = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { testGroups: Group[] };
      const curve = Object.keys(CURVE_SIZE).find((c) => file.includes(c));
      it('accepts every valid vector with an accepted hash and refuses every invalid one', async () => {
        const wrong: string[] = [];
        let checked = 0;
        for (const group of data.testGroups) {
          const spki = hex(group.publicKeyDer);
          const algorithm = algorithmFor(group);
          // Policy refuses SHA-1/SHA-224 and mixed PSS/MGF1 hashes: those vectors must be refused with a policy code.
          const policyRefused =
            (group.sha !== undefined && !STRONG.has(group.sha)) ||
            (group.mgfSha !== undefined && group.mgfSha !== group.sha);
          for (const test of group.tests) {
            let signature: Uint8Array | null = hex(test.sig);
            if (group.type === 'EcdsaP1363Verify')
              signature = p1363ToDer(signature, CURVE_SIZE[curve ?? ''] ?? 0);
            const outcome = signature
              ? await verifySignature(crypto.subtle, { spki, algorithm, data: hex(test.msg), signature })
              : null;
            const accepted = outcome?.ok === true;
            checked++;
            if (policyRefused) {
              if (
                accepted ||
                (outcome &&
                  !outcome.ok &&
                  !['WEAK_SIGNATURE_ALGORITHM', 'UNSUPPORTED_ALGORITHM'].includes(outcome.reason.code))
              ) {
                wrong.push(`${test.tcId} policy`);
              }
            } else if (test.result === 'valid' && !accepted)
              wrong.push(`${test.tcId} valid rejected: ${test.comment}`);
            else if (test.result === 'invalid' && accepted)
              wrong.push(`${test.tcId} invalid accepted: ${test.comment}`);
          }
        }
        expect(checked).toBeGreaterThan(0);
        expect(wrong).toEqual([]);
      });
    });
  }
});
