import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bytesToBase64, toHex } from '../../src/encoding';
import { TrustgateError } from '../../src/errors';
import { verdictResponse } from '../../src/http/verdict-schema';
import { createOfflineVerifier, type OfflineVerifier } from '../../src/offline';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import type { SeedVendor } from '../../src/trust';
import type { ArtifactInput } from '../../src/verify';
import { CMS_FIXTURES, cmsCases } from '../helpers/cms-fixtures';
import { createTestApp, TEST_ADMIN_TOKEN } from '../helpers/test-app';
import { timestampCase } from '../helpers/timestamp-fixtures';
import {
  VERIFY_FIXTURE_SETS,
  type VerifyFixtureCase,
  type VerifyFixtureSet,
} from '../helpers/verify-fixture-sets';

/**
 * The clocks of both verifiers: no fixture's `time`, so an agreement also shows that both verify as of the
 * instant they are given (the server's admin-only `time`, the CLI's --time).
 */
const CLOCK = new Date('2026-07-01T00:00:00Z');
const subtle = globalThis.crypto.subtle;

/** One request, as the CLI would make it and as the server is sent it. */
type Sent = VerifyFixtureCase;
type FixtureSet = VerifyFixtureSet;
const SETS = VERIFY_FIXTURE_SETS;

const read = (set: FixtureSet, file: string) => new Uint8Array(readFileSync(join(set.root, file)));

type Decision = { verdict: Record<string, unknown> } | { error: string };

/** What a freshly started server answers (nothing remembered from another request). */
async function serverDecision(set: FixtureSet, c: Sent, artifact?: string): Promise<Decision> {
  const t = await createTestApp({ now: CLOCK, trustStoreDir: join(set.root, 'trust-store') });
  try {
    const body: Record<string, string> = { vendor: c.vendor, time: c.time };
    if (c.signature) body.signature = bytesToBase64(read(set, c.signature));
    if (artifact) body.digest = artifact;
    else body.artifact = bytesToBase64(read(set, c.artifact));
    const res = await t.app.request('/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) return { error: String(json.code) };
    // Offline no case is opened; what the server opened is not part of the decision.
    expect(json).toHaveProperty('escalation');
    return { verdict: { ...json, escalation: null } };
  } finally {
    t.close();
  }
}

async function offlineDecision(
  verifier: OfflineVerifier,
  set: FixtureSet,
  c: Sent,
  artifact?: ArtifactInput,
): Promise<Decision> {
  try {
    const result = await verifier.verify({
      vendor: c.vendor,
      signature: c.signature ? read(set, c.signature) : null,
      artifact: artifact ?? { kind: 'bytes', bytes: read(set, c.artifact) },
      time: new Date(c.time),
    });
    expect(result.escalation).toBeNull();
    return { verdict: JSON.parse(JSON.stringify(verdictResponse(result))) };
  } catch (error) {
    if (error instanceof TrustgateError) return { error: error.code };
    throw error;
  }
}

async function offlineFor(root: string, edit?: (seed: SeedVendor[]) => void): Promise<OfflineVerifier> {
  const dir = join(root, 'trust-store');
  const seed = await readTrustStoreDir(dir);
  edit?.(seed);
  return createOfflineVerifier({
    seed,
    tsaAnchors: tsaAnchorsFor(await readTsaStoreDir(dir)),
    subtle,
    now: () => CLOCK,
  });
}

const codes = (decision: Decision) =>
  'verdict' in decision
    ? {
        verdict: decision.verdict.verdict,
        reasons: (decision.verdict.reasons as Array<{ code: string }>).map((r) => r.code),
      }
    : { error: decision.error };

describe('createOfflineVerifier', () => {
  for (const set of SETS) {
    describe(`when each ${set.name} fixture is verified offline and by the server, at the fixture's time`, () => {
      let verifier: OfflineVerifier;
      beforeAll(async () => {
        verifier = await offlineFor(set.root);
      });

      for (const c of set.cases) {
        const expected = c.expected.error ?? `${c.expected.verdict} ${c.expected.reasons.join(',')}`;
        it(`${c.name}: both decide ${expected}`, async () => {
          const offline = await offlineDecision(verifier, set, c);
          expect(offline).toEqual(await serverDecision(set, c));
          const decided = codes(offline);
          if (c.expected.error) {
            expect(decided).toEqual({ error: c.expected.error });
          } else {
            expect(decided.verdict).toBe(c.expected.verdict);
            expect(decided.reasons).toEqual(expect.arrayContaining(c.expected.reasons));
            if (c.expected.verdict === 'trusted') expect(decided.reasons).toEqual([]);
          }
        });
      }
    });
  }

  describe('when the artifact is passed as the digest of the hash signerHash names', () => {
    const set = SETS[0] as FixtureSet;
    let verifier: OfflineVerifier;
    beforeAll(async () => {
      verifier = await offlineFor(set.root);
    });
    const detached = set.cases.filter((c) => cmsCases.find((m) => m.name === c.name)?.detached);

    for (const c of detached) {
      it(`${c.name}: decides as the server does given that digest`, async () => {
        const hash = verifier.signerHash(read(set, c.signature as string));
        if (hash === null) {
          // Only signers whose digest algorithm is refused cannot be streamed; the bytes decide those.
          expect(codes(await offlineDecision(verifier, set, c)).reasons).toContain('WEAK_DIGEST_ALGORITHM');
          return;
        }
        const value = new Uint8Array(await subtle.digest(hash, read(set, c.artifact)));
        const offline = await offlineDecision(verifier, set, c, { kind: 'digest', algorithm: hash, value });
        const server = await serverDecision(set, c, `${hash.toLowerCase().replace('-', '')}:${toHex(value)}`);
        expect(offline).toEqual(server);
        expect(codes(offline).verdict).toBe(c.expected.verdict);
      });
    }
  });

  describe('when signerHash reads a signature', () => {
    let verifier: OfflineVerifier;
    beforeAll(async () => {
      verifier = await offlineFor(CMS_FIXTURES);
    });
    const signature = (name: string) =>
      new Uint8Array(
        readFileSync(join(CMS_FIXTURES, cmsCases.find((c) => c.name === name)?.signature ?? '')),
      );

    describe('when its signer digests with SHA-256, SHA-384 or SHA-512', () => {
      it('names that hash', () => {
        expect(verifier.signerHash(signature('rsa2048-sha256-detached-pem-trusted'))).toBe('SHA-256');
        expect(verifier.signerHash(signature('rsa3072-sha384-detached-trusted'))).toBe('SHA-384');
        expect(verifier.signerHash(signature('ecdsa-p521-sha512-globex-trusted'))).toBe('SHA-512');
      });
    });

    describe('when the signer has no signed attributes, or the bytes are not a signature', () => {
      it('returns null: the artifact bytes are needed', () => {
        const noAttributes = readFileSync(join(CMS_FIXTURES, '../cms-noattr/detached.p7s'));
        expect(verifier.signerHash(new Uint8Array(noAttributes))).toBeNull();
        expect(verifier.signerHash(new TextEncoder().encode('not a signature'))).toBeNull();
        expect(verifier.signerHash(new Uint8Array())).toBeNull();
      });
    });
  });

  describe('when the input cannot be decided', () => {
    const set = SETS[0] as FixtureSet;
    const good = set.cases.find((c) => c.name === 'rsa2048-sha256-detached-der-trusted') as Sent;
    let verifier: OfflineVerifier;
    beforeAll(async () => {
      verifier = await offlineFor(set.root);
    });
    const refused = async (input: Parameters<OfflineVerifier['verify']>[0]) => {
      const error = await verifier.verify(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrustgateError);
      return (error as TrustgateError).code;
    };
    const artifact: ArtifactInput = { kind: 'bytes', bytes: read(set, good.artifact) };

    it('refuses an unknown vendor, as the server does', async () => {
      const code = await refused({
        vendor: 'initech',
        signature: read(set, good.signature as string),
        artifact,
      });
      expect(code).toBe('UNKNOWN_VENDOR');
      expect(await serverDecision(set, { ...good, vendor: 'initech' })).toEqual({ error: code });
    });

    it('refuses an artifact that is no ZIP without a signature, as the server does', async () => {
      const code = await refused({ vendor: 'acme', signature: null, artifact });
      expect(code).toBe('MISSING_FIELD');
      expect(await serverDecision(set, { ...good, signature: null })).toEqual({ error: code });
    });

    it('refuses bytes that are no signature with the code the server gives', async () => {
      const code = await refused({ vendor: 'acme', signature: read(set, good.artifact), artifact });
      expect(await serverDecision(set, { ...good, signature: good.artifact })).toEqual({ error: code });
    });

    it('refuses a signature over the size limit as the server does', async () => {
      const big = new Uint8Array(1024 * 1024 + 1);
      expect(await refused({ vendor: 'acme', signature: big, artifact })).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses an empty vendor as a missing field', async () => {
      expect(await refused({ vendor: ' ', signature: read(set, good.signature as string), artifact })).toBe(
        'MISSING_FIELD',
      );
    });
  });

  describe('when vendor.json narrows trust', () => {
    const set = SETS[2] as FixtureSet;
    const ROOT_SETTING = (setting: object) => (seed: SeedVendor[]) => {
      const acme = seed.find((v) => v.id === 'acme') as SeedVendor;
      const root = acme.certificates[0];
      if (!root) throw new Error('no acme root');
      acme.vendorJson = JSON.stringify(setting);
    };
    const verdictOf = async (verifier: OfflineVerifier, name: string) => {
      const c = timestampCase(name);
      return codes(
        await offlineDecision(verifier, set, {
          ...c,
          expected: { verdict: null, reasons: [], error: null },
        }),
      );
    };
    let rootSha256: string;
    beforeAll(async () => {
      const plain = await offlineFor(set.root);
      const result = await plain.verify({
        vendor: 'acme',
        signature: read(set, timestampCase('long-signer-untimestamped-trusted').signature),
        artifact: {
          kind: 'bytes',
          bytes: read(set, timestampCase('long-signer-untimestamped-trusted').artifact),
        },
      });
      rootSha256 = result.anchor?.sha256 as string;
      expect(rootSha256).toMatch(/^[0-9a-f]{64}$/);
    });

    describe('when a root is distrusted after 2022-01-01', () => {
      it('anchors the signer issued before that date only (a timestamp after it does not help)', async () => {
        const verifier = await offlineFor(
          set.root,
          ROOT_SETTING({ roots: { [rootSha256]: { distrustAfter: '2022-01-01T00:00:00Z' } } }),
        );
        expect(verifier.report.anchorsAdded).toEqual([
          { vendorId: 'acme', sha256: rootSha256, state: 'distrusted' },
        ]);
        // notBefore 2020-01-01
        expect(await verdictOf(verifier, 'long-signer-untimestamped-trusted')).toEqual({
          verdict: 'trusted',
          reasons: [],
        });
        // notBefore 2024-01-01
        expect(await verdictOf(verifier, 'valid-signer-untimestamped-trusted')).toEqual({
          verdict: 'rejected',
          reasons: ['ANCHOR_DISTRUSTED'],
        });
        // token of 2024-06-01
        expect(await verdictOf(verifier, 'long-signer-timestamped-2024-trusted')).toEqual({
          verdict: 'rejected',
          reasons: ['ANCHOR_DISTRUSTED'],
        });
      });
    });

    describe('when a root is distrusted for key compromise', () => {
      it('anchors no signature at all', async () => {
        const verifier = await offlineFor(
          set.root,
          ROOT_SETTING({ roots: { [rootSha256]: { keyCompromise: true } } }),
        );
        for (const name of ['long-signer-untimestamped-trusted', 'long-signer-timestamped-2024-trusted']) {
          expect(await verdictOf(verifier, name)).toEqual({
            verdict: 'rejected',
            reasons: ['ANCHOR_DISTRUSTED'],
          });
        }
      });
    });

    describe('when the vendor requires revocation information', () => {
      afterEach(() => vi.restoreAllMocks());

      it('rejects a signer no carried CRL covers as REVOCATION_UNAVAILABLE, fetching nothing', async () => {
        const fetchSpy = vi.spyOn(globalThis, 'fetch');
        const verifier = await offlineFor(set.root, ROOT_SETTING({ revocationPolicy: 'require' }));
        for (const name of [
          'valid-signer-untimestamped-trusted',
          'signer-with-crl-distribution-point-trusted',
        ]) {
          // One reason per certificate of the path that nothing current covers.
          const decided = await verdictOf(verifier, name);
          expect(decided.verdict).toBe('rejected');
          expect(new Set(decided.reasons)).toEqual(new Set(['REVOCATION_UNAVAILABLE']));
        }
        expect(await verdictOf(verifier, 'signer-revoked-crl-in-envelope-rejected')).toMatchObject({
          verdict: 'rejected',
          reasons: expect.arrayContaining(['CERT_REVOKED']),
        });
        expect(fetchSpy).not.toHaveBeenCalled();
      });
    });
  });

  describe('when the trust store is imported', () => {
    it('lists the vendors of the trust store and what the import did', async () => {
      const verifier = await offlineFor(CMS_FIXTURES);
      expect(await verifier.vendors()).toEqual(['acme', 'globex']);
      expect(verifier.report.vendorsCreated).toEqual(['acme', 'globex']);
      expect(verifier.report.anchorsAdded).toHaveLength(4);
      expect(verifier.report.skipped).toEqual([]);
    });
  });
});
