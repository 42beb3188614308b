import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { createTestApp } from '../helpers/test-app';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

function multipart(fields: Record<string, Uint8Array | string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value)]), `${name}.bin`);
  }
  return form;
}

const post = (body: FormData | object) =>
  ctx.app.request('/verify', {
    method: 'POST',
    ...(body instanceof FormData
      ? { body }
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

function caseFields(name: string) {
  const c = cmsCase(name);
  return { c, artifact: readFixture(c.artifact), signature: readFixture(c.signature) };
}

describe('POST /verify', () => {
  describe('when a pipeline uploads a good package and its detached signature as multipart', () => {
    it('answers trusted with the chain, the anchor and no reasons', async () => {
      const { c, artifact, signature } = caseFields('rsa2048-sha256-detached-der-trusted');
      const res = await post(multipart({ artifact, signature, vendor: c.vendor }));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: 'acme', escalation: null });
      expect(body.anchor).toMatchObject({ vendor: 'acme' });
      expect(body.anchor.sha256).toBe(body.chain[body.chain.length - 1].sha256);
      expect(body.signer.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(body.chain[0]).toHaveProperty('spkiSha256');
    });
  });

  describe('when the same request comes as JSON with base64 fields', () => {
    it('answers trusted', async () => {
      const { c, artifact, signature } = caseFields('ecdsa-p256-sha256-detached-trusted');
      const res = await post({
        vendor: c.vendor,
        artifact: bytesToBase64(artifact),
        signature: bytesToBase64(signature),
      });
      expect(res.status).toBe(200);
      expect((await res.json()).verdict).toBe('trusted');
    });
  });

  describe('when only the digest is sent', () => {
    it('answers trusted for the right digest', async () => {
      const { c, signature } = caseFields('ecdsa-p256-sha256-detached-trusted');
      const res = await post(
        multipart({ digest: `sha256:${c.artifactSha256}`, signature, vendor: c.vendor }),
      );
      expect((await res.json()).verdict).toBe('trusted');
    });
    it('answers rejected with DIGEST_MISMATCH for another digest', async () => {
      const { c, signature } = caseFields('ecdsa-p256-sha256-detached-trusted');
      const res = await post(multipart({ digest: `sha256:${'ab'.repeat(32)}`, signature, vendor: c.vendor }));
      const body = await res.json();
      expect(body.verdict).toBe('rejected');
      expect(body.reasons.map((r: { code: string }) => r.code)).toContain('DIGEST_MISMATCH');
    });
  });

  describe('when the artifact was tampered with', () => {
    it('answers rejected with DIGEST_MISMATCH', async () => {
      const { c, artifact, signature } = caseFields('artifact-tampered-digest-mismatch');
      const body = await (await post(multipart({ artifact, signature, vendor: c.vendor }))).json();
      expect(body.verdict).toBe('rejected');
      expect(body.reasons[0].code).toBe('DIGEST_MISMATCH');
    });
  });

  describe('when the chain ends at a root the vendor does not have', () => {
    it('answers unknown_root with an escalation naming the top certificate', async () => {
      const { artifact, signature } = caseFields('globex-chain-checked-against-acme-unknown-root');
      const body = await (await post(multipart({ artifact, signature, vendor: 'acme' }))).json();
      expect(body.verdict).toBe('unknown_root');
      expect(body.anchor).toBeNull();
      expect(body.escalation.checklist.length).toBeGreaterThanOrEqual(3);
      const top = body.chain[body.chain.length - 1];
      expect(body.escalation.topCertificate).toMatchObject({
        sha256: top.sha256,
        spkiSha256: top.spkiSha256,
      });
    });
  });

  describe('when the input cannot be decided', () => {
    const expectProblem = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const body = await res.json();
      expect(body).toMatchObject({ status, code });
      expect(typeof body.type).toBe('string');
      expect(typeof body.title).toBe('string');
      expect(typeof body.detail).toBe('string');
    };
    const good = () => caseFields('rsa2048-sha256-detached-der-trusted');

    it('refuses an unknown vendor with 422 UNKNOWN_VENDOR', async () => {
      const { artifact, signature } = good();
      await expectProblem(
        await post(multipart({ artifact, signature, vendor: 'nobody' })),
        422,
        'UNKNOWN_VENDOR',
      );
    });
    it('refuses a missing vendor with 400 MISSING_FIELD', async () => {
      const { artifact, signature } = good();
      await expectProblem(await post(multipart({ artifact, signature })), 400, 'MISSING_FIELD');
    });
    it('refuses a missing signature with 400 MISSING_FIELD', async () => {
      await expectProblem(
        await post(multipart({ digest: `sha256:${'00'.repeat(32)}`, vendor: 'acme' })),
        400,
        'MISSING_FIELD',
      );
    });
    it('refuses an empty signature with 422 SIGNATURE_EMPTY', async () => {
      const { artifact } = good();
      await expectProblem(
        await post(multipart({ artifact, signature: new Uint8Array(), vendor: 'acme' })),
        422,
        'SIGNATURE_EMPTY',
      );
    });
    it('refuses a truncated signature with 422 SIGNATURE_UNREADABLE', async () => {
      const { artifact, signature } = good();
      await expectProblem(
        await post(multipart({ artifact, signature: signature.subarray(0, 100), vendor: 'acme' })),
        422,
        'SIGNATURE_UNREADABLE',
      );
    });
    it('refuses a signature that is not CMS with 422', async () => {
      const { artifact } = good();
      const res = await post(
        multipart({ artifact, signature: new TextEncoder().encode('not a signature'), vendor: 'acme' }),
      );
      expect(res.status).toBe(422);
    });
    it('refuses a malformed digest with 400 DIGEST_FORMAT_INVALID', async () => {
      const { signature } = good();
      await expectProblem(
        await post(multipart({ digest: 'md5:abc', signature, vendor: 'acme' })),
        400,
        'DIGEST_FORMAT_INVALID',
      );
    });
    it('refuses invalid JSON with 400 INVALID_JSON', async () => {
      const res = await ctx.app.request('/verify', {
        method: 'POST',
        body: '{',
        headers: { 'content-type': 'application/json' },
      });
      await expectProblem(res, 400, 'INVALID_JSON');
    });
    it('refuses bad base64 with 400 INVALID_FIELD', async () => {
      await expectProblem(await post({ vendor: 'acme', signature: '%%%' }), 400, 'INVALID_FIELD');
    });
    it('refuses another content type with 415', async () => {
      const res = await ctx.app.request('/verify', {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
    it('refuses a body over the limit with 422 PAYLOAD_TOO_LARGE', async () => {
      const small = await createTestApp();
      try {
        const res = await small.app.request('/verify', {
          method: 'POST',
          body: JSON.stringify({ vendor: 'acme', artifact: 'A'.repeat(80 * 1024 * 1024) }),
          headers: { 'content-type': 'application/json' },
        });
        await expectProblem(res, 422, 'PAYLOAD_TOO_LARGE');
      } finally {
        small.close();
      }
    });
  });
});

describe('GET /openapi.json', () => {
  describe('when fetched', () => {
    it('documents /verify and /health', async () => {
      const res = await ctx.app.request('/openapi.json');
      expect(res.status).toBe(200);
      const doc = await res.json();
      expect(doc.paths['/verify'].post.requestBody.content).toHaveProperty('multipart/form-data');
      expect(doc.paths['/verify'].post.responses).toHaveProperty('200');
    });
  });
});
