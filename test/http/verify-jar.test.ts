import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import { readTsaStoreDir, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { verifyRequest } from '../../src/services/verification';
import { DEFAULT_VERIFY_LIMITS } from '../../src/verify';
import { JAR_FIXTURES, jarCase, readJarFixture } from '../helpers/jar-fixtures';
import { createTestApp } from '../helpers/test-app';
import { patchEntry } from '../helpers/zip-edit';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp({
    now: new Date('2026-06-01T00:00:00Z'),
    trustStoreDir: join(JAR_FIXTURES, 'trust-store'),
  });
});
afterAll(() => ctx.close());

function postArtifactOnly(name: string, as: 'multipart' | 'json' = 'multipart') {
  const c = jarCase(name);
  const bytes = readJarFixture(c.file);
  if (as === 'json') {
    return ctx.app.request('/verify', {
      method: 'POST',
      body: JSON.stringify({ vendor: c.vendor, artifact: bytesToBase64(bytes) }),
      headers: { 'content-type': 'application/json' },
    });
  }
  const form = new FormData();
  form.append('vendor', c.vendor);
  form.append('artifact', new Blob([new Uint8Array(bytes)]), `${name}.jar`);
  return ctx.app.request('/verify', { method: 'POST', body: form });
}

const codes = (body: { reasons: Array<{ code: string }> }) => body.reasons.map((r) => r.code);

describe('POST /verify with a signed JAR and no signature field', () => {
  describe('when the JAR is signed by a chain to one of the vendor roots', () => {
    it('answers trusted with the signer chain and the anchor', async () => {
      const res = await postArtifactOnly('signed-rsa-trusted');
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: 'acme', escalation: null });
      expect(body.signer.subject).toContain('Acme Widget JAR Signing');
      expect(body.chain).toHaveLength(3);
      expect(body.anchor.sha256).toBe(body.chain[2].sha256);
    });
    it('answers the same when the JAR comes base64 in JSON', async () => {
      const res = await postArtifactOnly('signed-ec-p256-trusted', 'json');
      expect((await res.json()).verdict).toBe('trusted');
    });
  });

  describe('when an entry was changed after signing', () => {
    it('answers rejected with JAR_ENTRY_DIGEST_MISMATCH naming the entry', async () => {
      const body = await (await postArtifactOnly('tampered-entry-rejected')).json();
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toContain('JAR_ENTRY_DIGEST_MISMATCH');
      expect(JSON.stringify(body.reasons)).toContain('config/widget.properties');
    });
  });

  describe('when an entry was added that the manifest does not list', () => {
    it('answers rejected with JAR_ENTRY_NOT_SIGNED', async () => {
      const body = await (await postArtifactOnly('unsigned-extra-entry-rejected')).json();
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toContain('JAR_ENTRY_NOT_SIGNED');
    });
  });

  describe('when the chain ends at a root the vendor does not have', () => {
    it('answers unknown_root with an escalation', async () => {
      const body = await (await postArtifactOnly('unknown-root')).json();
      expect(body.verdict).toBe('unknown_root');
      expect(body.escalation.checklist.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('when the chain ends at an unknown root and a signed entry is corrupt (entries not checked)', () => {
    it('answers unknown_root with an escalation whose reason says the entries were not checked', async () => {
      const archive = patchEntry(readJarFixture(jarCase('unknown-root').file), 'NOTICE.txt', {
        data: (compressed) => new Uint8Array(compressed.length).fill(0xff),
      });
      const form = new FormData();
      form.append('vendor', 'acme');
      form.append('artifact', new Blob([new Uint8Array(archive)]), 'unknown-root-corrupt.jar');
      const body = await (await ctx.app.request('/verify', { method: 'POST', body: form })).json();
      expect(body.verdict).toBe('unknown_root');
      expect(codes(body)).toEqual(['UNKNOWN_ROOT']);
      expect(body.reasons[0].message).toContain('the manifest and the entries were not checked');
      expect(body.escalation.kind).toBe('unknown-root');
    });
  });

  describe('when the JAR is not signed at all', () => {
    it('answers rejected with JAR_UNSIGNED', async () => {
      const body = await (await postArtifactOnly('unsigned-jar-rejected')).json();
      expect(body).toMatchObject({ verdict: 'rejected', signer: null });
      expect(codes(body)).toEqual(['JAR_UNSIGNED']);
    });
  });

  describe('when the archive is a zip bomb', () => {
    it('refuses it with 422 ARCHIVE_LIMIT_EXCEEDED as problem+json', async () => {
      const res = await postArtifactOnly('zip-bomb-refused');
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('ARCHIVE_LIMIT_EXCEEDED');
    });
  });

  describe('when the artifact is neither a ZIP nor accompanied by a signature', () => {
    it('refuses it with 400 MISSING_FIELD', async () => {
      const form = new FormData();
      form.append('vendor', 'acme');
      form.append('artifact', new Blob([new TextEncoder().encode('plain bytes')]), 'a.bin');
      const res = await ctx.app.request('/verify', { method: 'POST', body: form });
      expect(res.status).toBe(400);
      expect((await res.json()).code).toBe('MISSING_FIELD');
    });
  });

  describe('when the ZIP is truncated', () => {
    it('refuses it with 422 ARCHIVE_UNREADABLE', async () => {
      const bytes = readJarFixture(jarCase('signed-rsa-trusted').file);
      const form = new FormData();
      form.append('vendor', 'acme');
      form.append('artifact', new Blob([new Uint8Array(bytes.subarray(0, bytes.length - 30))]), 'a.jar');
      const res = await ctx.app.request('/verify', { method: 'POST', body: form });
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('ARCHIVE_UNREADABLE');
    });
  });
});

describe('verifyRequest with a vendor revocation policy', () => {
  const deps = (policy?: 'require' | 'best-effort') => ({
    trust: ctx.trust,
    subtle: globalThis.crypto.subtle,
    now: () => new Date('2026-06-01T00:00:00Z'),
    limits: DEFAULT_VERIFY_LIMITS,
    escalate: () => Promise.reject(new Error('no escalation expected')),
    ...(policy ? { revocationPolicy: () => policy } : {}),
  });
  const input = () => ({
    vendor: 'acme',
    signature: null,
    artifact: { kind: 'bytes' as const, bytes: readJarFixture(jarCase('signed-rsa-trusted').file) },
  });
  describe('when no CRL is at hand and the policy is best effort (the default)', () => {
    it('answers trusted with a REVOCATION_UNAVAILABLE warning', async () => {
      const response = await verifyRequest(deps(), input());
      expect(response).toMatchObject({ verdict: 'trusted', reasons: [] });
      expect(response.warnings?.map((w) => w.code)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });
  describe('when no CRL is at hand and the vendor requires revocation', () => {
    it('answers rejected with REVOCATION_UNAVAILABLE', async () => {
      const response = await verifyRequest({ ...deps('require'), escalate: async () => null }, input());
      expect(response.verdict).toBe('rejected');
      expect(response.reasons.map((r) => r.code)).toContain('REVOCATION_UNAVAILABLE');
    });
  });
});

describe('verifyRequest with TSA roots from the trust-store tree', () => {
  describe('when only a timestamped JAR of an expired signer is sent', () => {
    it('answers trusted, validating the chain at the timestamp', async () => {
      const store = await readTsaStoreDir(join(JAR_FIXTURES, 'trust-store'));
      const now = new Date('2026-06-01T00:00:00Z');
      const response = await verifyRequest(
        {
          trust: ctx.trust,
          subtle: globalThis.crypto.subtle,
          now: () => now,
          limits: DEFAULT_VERIFY_LIMITS,
          escalate: () => Promise.reject(new Error('no escalation expected')),
          tsaAnchors: tsaAnchorsFor(store),
        },
        {
          vendor: 'acme',
          signature: null,
          artifact: {
            kind: 'bytes',
            bytes: readJarFixture(jarCase('expired-signer-timestamped-trusted').file),
          },
        },
      );
      expect(response).toMatchObject({ verdict: 'trusted', reasons: [] });
    });
  });
});

describe('POST /verify with a signed JAR for a vendor with signer identity rules', () => {
  const setRules = async (identityRules: unknown[]) => {
    const vendor = await ctx.trust.getVendor('acme');
    if (!vendor) throw new Error('no acme');
    await ctx.trust.updateVendor({ ...vendor, identityRules, version: vendor.version + 1 }, vendor.version);
    await ctx.trust.bumpStoreVersion();
  };
  afterAll(() => setRules([]));

  describe('when the JAR signer meets the rule', () => {
    it('answers trusted: the rules read the signer the JAR carries', async () => {
      await setRules([{ field: 'subject.CN', pattern: 'Acme Widget JAR Signing*' }]);
      const body = await (await postArtifactOnly('signed-rsa-trusted')).json();
      expect(body.verdict).toBe('trusted');
    });
  });

  describe('when the JAR signer breaks the rule', () => {
    it('answers rejected with SIGNER_IDENTITY_MISMATCH', async () => {
      await setRules([{ field: 'subject.O', equals: 'Somebody Else Ltd' }]);
      const body = await (await postArtifactOnly('signed-rsa-trusted')).json();
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toContain('SIGNER_IDENTITY_MISMATCH');
    });
  });
});
