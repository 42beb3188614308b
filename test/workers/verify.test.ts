import { exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/db';
import { bytesToBase64 } from '../../src/encoding';
import { SEED_BUNDLE_ACTION } from '../../src/platform/bundled-seed';
import { TRUST_STORE_BUNDLE } from '../../src/platform/trust-store-bundle';
import {
  bytes,
  caseForm,
  fixtureCase,
  multipart,
  postVerify,
  reasonCodes,
  testDatabase,
  testEnv,
} from './helpers';

describe('the worker in workerd, over a local D1', () => {
  describe('on its first request', () => {
    it('imports the bundled trust-store/ into D1 with importSeed, once', async () => {
      const first = await exports.default.fetch('https://trustgate.test/health');
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ status: 'ok' });
      await exports.default.fetch('https://trustgate.test/health');

      const { db, trust } = testDatabase();
      expect((await trust.listVendors()).map((v) => v.id)).toEqual(
        TRUST_STORE_BUNDLE.vendors.map((v) => v.id).sort(),
      );
      const acme = await trust.listAnchors('acme');
      expect(acme.map((a) => a.state)).toEqual(['active', 'active']);
      expect(acme.every((a) => a.source === 'seed' && a.der.length > 0)).toBe(true);
      const recorded = await db
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.action, SEED_BUNDLE_ACTION));
      expect(recorded).toHaveLength(1);
      expect(recorded[0]?.targetId).toBe(TRUST_STORE_BUNDLE.sha256);
      // Every imported vendor and root moved the store version; a second request imports nothing more.
      const version = await trust.storeVersion();
      expect(version).toBeGreaterThan(0);
      await exports.default.fetch('https://trustgate.test/health');
      expect(await trust.storeVersion()).toBe(version);
    });
  });

  describe('POST /verify', () => {
    it('answers trusted for a good package and its detached RSA signature, as multipart', async () => {
      const res = await postVerify(caseForm('rsa2048-sha256-detached-der-trusted'));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: 'acme', escalation: null });
      expect(body.anchor).toMatchObject({
        vendor: 'acme',
        subject: 'CN=Acme Root CA RSA, O=Acme Corp, C=US',
      });
      expect(body.anchor.sha256).toBe(body.chain[body.chain.length - 1].sha256);
    });

    it('answers trusted for ECDSA P-256 sent as JSON with base64 fields', async () => {
      const c = fixtureCase('ecdsa-p256-sha256-detached-trusted');
      const body = await (
        await postVerify({ vendor: 'acme', artifact: c.artifact, signature: c.signature })
      ).json();
      expect(body.verdict).toBe('trusted');
    });

    it('answers trusted for P-384 under the other bundled vendor', async () => {
      const body = await (await postVerify(caseForm('ecdsa-p384-sha384-globex-trusted'))).json();
      expect(body).toMatchObject({ verdict: 'trusted', vendor: 'globex' });
    });

    it('answers trusted when only the digest is sent', async () => {
      const c = fixtureCase('ecdsa-p256-sha256-detached-trusted');
      const res = await postVerify(
        multipart({ digest: `sha256:${c.artifactSha256}`, signature: bytes(c.signature), vendor: 'acme' }),
      );
      expect((await res.json()).verdict).toBe('trusted');
    });

    it('answers rejected with DIGEST_MISMATCH for a tampered artifact', async () => {
      const body = await (await postVerify(caseForm('artifact-tampered-digest-mismatch'))).json();
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toContain('DIGEST_MISMATCH');
    });

    it('answers rejected with the reason for an expired signer', async () => {
      const c = fixtureCase('signer-expired-cert-expired');
      const body = await (await postVerify(caseForm(c.name))).json();
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toEqual(expect.arrayContaining(c.expectedReasons));
    });

    it('answers unknown_root with an escalation naming the top certificate', async () => {
      const res = await postVerify(caseForm('globex-chain-checked-against-acme-unknown-root', 'acme'));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.verdict).toBe('unknown_root');
      expect(body.anchor).toBeNull();
      expect(body.escalation.checklist.length).toBeGreaterThanOrEqual(3);
      const top = body.chain[body.chain.length - 1];
      expect(body.escalation.topCertificate).toMatchObject({
        sha256: top.sha256,
        spkiSha256: top.spkiSha256,
      });
    });

    it('streams the artifact through crypto.DigestStream when it comes after the signature', async () => {
      const c = fixtureCase('rsa3072-sha384-detached-trusted');
      const good = await postVerify(
        multipart({ vendor: c.vendor, signature: bytes(c.signature), artifact: bytes(c.artifact) }),
      );
      expect((await good.json()).verdict).toBe('trusted');
      // 8 MiB of something else: hashed as it streams, never the signed digest.
      const big = new Uint8Array(8 * 1024 * 1024).fill(0x5a);
      const bad = await postVerify(
        multipart({ vendor: c.vendor, signature: bytes(c.signature), artifact: big }),
      );
      const body = await bad.json();
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toContain('DIGEST_MISMATCH');
    });

    it('reads a 2 MiB JSON body whole (one resizable buffer, the base64 artifact set aside before JSON.parse)', async () => {
      const c = fixtureCase('rsa2048-sha256-detached-der-trusted');
      const other = new Uint8Array(1.5 * 1024 * 1024).fill(0x5a);
      const res = await postVerify({
        vendor: 'acme',
        signature: c.signature,
        artifact: bytesToBase64(other),
      });
      const body = await res.json();
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body)).toContain('DIGEST_MISMATCH');
      const good = await postVerify({ vendor: 'acme', signature: c.signature, artifact: c.artifact });
      expect((await good.json()).verdict).toBe('trusted');
    });

    it('refuses an unknown vendor with 422 problem+json', async () => {
      const res = await postVerify(caseForm('rsa2048-sha256-detached-der-trusted', 'nobody'));
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 422, code: 'UNKNOWN_VENDOR' });
    });

    it('refuses a signature that is not CMS with 422, not a 500', async () => {
      const c = fixtureCase('rsa2048-sha256-detached-der-trusted');
      const res = await postVerify({
        vendor: 'acme',
        artifact: c.artifact,
        signature: bytesToBase64(new TextEncoder().encode('not a signature at all')),
      });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  it('serves the OpenAPI document', async () => {
    const res = await exports.default.fetch('https://trustgate.test/openapi.json');
    expect(res.status).toBe(200);
    expect((await res.json()).paths).toHaveProperty('/verify');
  });

  it('has the D1 binding from wrangler.toml, which holds no secrets', () => {
    expect(testEnv.DB).toBeDefined();
    expect(testEnv.TEST_FIXTURES.wranglerToml).toMatch(/^\[\[d1_databases\]\]$/m);
    expect(testEnv.TEST_FIXTURES.wranglerToml).not.toMatch(/^\s*(ADMIN_TOKEN|\[vars\])/m);
  });
});
