import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, verifySignature } from '../../src/verify/signature';
import type { CaseResult, SuiteResult } from './runner';

/**
 * Wycheproof signature vectors through `verifySignature`, the one check certificates and CMS signers use.
 * A `valid` vector must verify, unless policy refuses its hash (SHA-1, SHA-224) or a PSS MGF hash that
 * differs from the message hash: then it must be refused with a policy code. An `invalid` vector must not
 * verify; `acceptable` ones are not counted. P1363 vectors (raw r||s) are given the one DER form they
 * have, as CMS and X.509 carry ECDSA in DER; a raw value of the wrong length has none and counts as refused.
 */

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
const CURVE_SIZE: Record<string, number> = { secp256r1: 32, secp384r1: 48, secp521r1: 66 };
const POLICY_CODES = new Set(['WEAK_SIGNATURE_ALGORITHM', 'UNSUPPORTED_ALGORITHM']);

interface Group {
  type: string;
  sha?: string;
  mgfSha?: string;
  sLen?: number;
  publicKeyDer: string;
  tests: Array<{ tcId: number; comment: string; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }>;
}

const der = (algorithm: pkijs.AlgorithmIdentifier) => new Uint8Array(algorithm.toSchema().toBER());
const hashId = (sha: string) =>
  new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OID[sha] ?? '0.0', algorithmParams: new asn1js.Null() });

function algorithmFor(group: Group): Uint8Array {
  const sha = group.sha ?? '';
  switch (group.type) {
    case 'RsassaPkcs1Verify':
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: RSA_PKCS1[sha] ?? '0.0', algorithmParams: new asn1js.Null() }));
    case 'RsassaPssVerify': {
      const params = new pkijs.RSASSAPSSParams({
        hashAlgorithm: hashId(sha),
        maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
          algorithmId: OID.mgf1,
          algorithmParams: hashId(group.mgfSha ?? sha).toSchema(),
        }),
        saltLength: group.sLen ?? 20,
      });
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() }));
    }
    case 'EcdsaVerify':
    case 'EcdsaP1363Verify':
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA[sha] ?? '0.0' }));
    default:
      return der(new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 }));
  }
}

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
  return new Uint8Array(new asn1js.Sequence({ value: [int(raw.subarray(0, size)), int(raw.subarray(size))] }).toBER());
}

export async function runWycheproof(dir: string): Promise<SuiteResult> {
  const cases: CaseResult[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { testGroups: Group[] };
    const curve = Object.keys(CURVE_SIZE).find((c) => file.includes(c));
    for (const group of data.testGroups) {
      const spki = hex(group.publicKeyDer);
      const algorithm = algorithmFor(group);
      const policyRefused =
        (group.sha !== undefined && !STRONG.has(group.sha)) ||
        (group.mgfSha !== undefined && group.mgfSha !== group.sha);
      for (const test of group.tests) {
        if (test.result === 'acceptable') continue;
        let signature: Uint8Array | null = hex(test.sig);
        if (group.type === 'EcdsaP1363Verify') signature = p1363ToDer(signature, CURVE_SIZE[curve ?? ''] ?? 0);
        const started = performance.now();
        const outcome = signature
          ? await verifySignature(crypto.subtle, { spki, algorithm, data: hex(test.msg), signature })
          : null;
        const accepted = outcome?.ok === true;
        const reasonCode = outcome && !outcome.ok ? outcome.reason.code : 'NO_DER_FORM';
        // A policy-refused vector is right only when refused with a policy code.
        const expected = !policyRefused && test.result === 'valid';
        const got = policyRefused ? accepted || !POLICY_CODES.has(reasonCode) : accepted;
        cases.push({
          id: `${file}#${test.tcId}`,
          expected,
          got,
          ms: performance.now() - started,
          status: accepted ? 'verified' : reasonCode,
          reasons: test.comment ? [test.comment] : [],
        });
      }
    }
  }
  const wrong = cases.filter((c) => c.expected !== c.got);
  return {
    suite: 'wycheproof',
    total: cases.length,
    right: cases.length - wrong.length,
    wrongAccepts: wrong.filter((c) => c.got).map((c) => c.id),
    wrongRejects: wrong.filter((c) => !c.got).map((c) => c.id),
    slow: cases.filter((c) => c.ms > 1000).map((c) => c.id),
    cases,
  };
}
