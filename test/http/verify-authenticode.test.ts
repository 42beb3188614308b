import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, toHex } from '../../src/encoding';
import { AUTHENTICODE_FIXTURES, readAuthenticodeFixture } from '../helpers/authenticode-fixtures';
import { createTestApp } from '../helpers/test-app';
import { createAdminTestApp } from '../trust/helpers/admin-client';

const FIXTURES = AUTHENTICODE_FIXTURES;
const read = readAuthenticodeFixture;

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  // The fixtures' signers are valid 2024..2034 and their timestamps were made in 2020 and 2026.
  ctx = await createTestApp({
    now: new Date('2026-06-01T00:00:00Z'),
    trustStoreDir: join(FIXTURES, 'trust-store'),
  });
});
afterAll(() => ctx.close());

function post(fields: { artifact?: Uint8Array; signature?: Uint8Array; digest?: string }, name = 'file.efi') {
  const form = new FormData();
  form.append('vendor', 'acme');
  if (fields.signature) form.append('signature', new Blob([new Uint8Array(fields.signature)]), 'sig.p7s');
  if (fields.artifact) form.append('artifact', new Blob([new Uint8Array(fields.artifact)]), name);
  if (fields.digest) form.append('digest', fields.digest);
  return ctx.app.request('/verify', { method: 'POST', body: form });
}

async function verdictOf(file: string) {
  const res = await post({ artifact: read(file) });
  expect(res.status).toBe(200);
  return res.json();
}

const codes = (reasons: Array<{ code: string }>) => reasons.map((r) => r.code);

describe('POST /verify with a PE file (Authenticode)', () => {
  describe('when the file carries a signature under the vendor root and no signature field is sent', () => {
    it('answers trusted for a PE32+ EFI binary, its one signature listed with signer and anchor', async () => {
      const body = await verdictOf('signed/pe32plus-sha256.efi');
      expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: 'acme', escalation: null });
      expect(body.signatures).toHaveLength(1);
      expect(body.signatures[0]).toMatchObject({ id: '1', verdict: 'trusted', digestAlgorithm: 'SHA-256' });
      expect(body.signatures[0].anchor.sha256).toBe(body.anchor.sha256);
      expect(body.signer.subject).toBe(body.signatures[0].signer.subject);
    });

    it('answers trusted for a PE32 exe sent base64 in JSON', async () => {
      const res = await ctx.app.request('/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vendor: 'acme', artifact: bytesToBase64(read('signed/pe32-sha256.exe')) }),
      });
      expect((await res.json()).verdict).toBe('trusted');
    });
  });

  describe('when the signer expired after signing', () => {
    it('is trusted through a Microsoft RFC 3161 timestamp made while it was valid', async () => {
      const body = await verdictOf('signed/pe32plus-expired-signer-rfc3161.efi');
      expect(body.verdict).toBe('trusted');
      expect(body.signatures[0].timestamp).toMatchObject({ kind: 'rfc3161' });
    });
    it('is trusted through a legacy PKCS#9 countersignature made while it was valid', async () => {
      const body = await verdictOf('signed/pe32plus-expired-signer-legacy-timestamp.efi');
      expect(body.verdict).toBe('trusted');
      expect(body.signatures[0].timestamp).toMatchObject({ kind: 'pkcs9-countersignature' });
    });
    it('is rejected with CERT_EXPIRED without a timestamp', async () => {
      const body = await verdictOf('signed/pe32plus-expired-signer.efi');
      expect(body.verdict).toBe('rejected');
      expect(codes(body.reasons)).toContain('CERT_EXPIRED');
    });
  });

  describe('when a SHA-1 signature carries a nested SHA-256 one (dual signing)', () => {
    it('is trusted by the SHA-256 signature, and says why the SHA-1 one did not count', async () => {
      const body = await verdictOf('signed/pe32plus-nested-sha1-sha256.efi');
      expect(body.verdict).toBe('trusted');
      expect(body.signatures.map((s: { id: string; verdict: string }) => [s.id, s.verdict])).toEqual([
        ['1', 'rejected'],
        ['1.1', 'trusted'],
      ]);
      expect(codes(body.signatures[0].reasons)).toContain('WEAK_DIGEST_ALGORITHM');
      expect(codes(body.warnings)).toContain('WEAK_DIGEST_ALGORITHM');
    });
  });

  describe('when the image was changed after signing', () => {
    it('is rejected with AUTHENTICODE_IMAGE_HASH_MISMATCH, and no case is opened', async () => {
      const body = await verdictOf('tampered/pe32plus-image-byte-flipped.efi');
      expect(body.verdict).toBe('rejected');
      expect(codes(body.reasons)).toContain('AUTHENTICODE_IMAGE_HASH_MISMATCH');
      expect(body.escalation).toBeNull();
    });
    it('is rejected when only the nested signature vouches for a changed image either', async () => {
      const body = await verdictOf('tampered/pe32plus-nested-image-byte-flipped.efi');
      expect(body.verdict).toBe('rejected');
    });
  });

  describe('when the signer chains to a root nobody knows', () => {
    it('answers unknown_root and opens an escalation case for that root', async () => {
      const body = await verdictOf('signed/pe32plus-unknown-root.efi');
      expect(body.verdict).toBe('unknown_root');
      // The file carries the signer only: its issuer, the root, is what on-call must find out about.
      expect(body.escalation.topCertificate.subject).toBe(body.signer.subject);
      expect(body.signer.issuer).toContain('Other Authenticode Root');
      // Not a dead end: the checklist says this signer cannot be a root and to get the vendor's full chain.
      const titles = body.escalation.checklist.map((step: { title: string }) => step.title);
      expect(titles).toContain('Get the full chain and propose its root (this certificate cannot be a root)');
    });
    it('answers unknown_root for a self-signed signing key, and the checklist says to pin it instead', async () => {
      const body = await verdictOf('signed/pe32plus-self-signed-signer.efi');
      expect(body.verdict).toBe('unknown_root');
      const titles = body.escalation.checklist.map((step: { title: string }) => step.title);
      expect(titles).toContain('Pin the signer instead (this certificate cannot be a root)');
    });
  });

  describe('when the file has no signature at all', () => {
    it('is rejected with AUTHENTICODE_UNSIGNED', async () => {
      const body = await verdictOf('unsigned/pe32plus.efi');
      expect(body.verdict).toBe('rejected');
      expect(codes(body.reasons)).toEqual(['AUTHENTICODE_UNSIGNED']);
    });
  });

  describe('when the Authenticode signature is sent apart from its file (osslsigncode extract-signature)', () => {
    it('is trusted for the file it was made for, as DER or PEM', async () => {
      for (const signature of ['extracted/pe32plus-sha256.p7s.der', 'extracted/pe32plus-sha256.p7s.pem']) {
        const res = await post({
          artifact: read('extracted/pe32plus-sha256-signature-removed.efi'),
          signature: read(signature),
        });
        const body = await res.json();
        expect(body.verdict, signature).toBe('trusted');
        expect(body.signatures[0].id).toBe('given');
      }
    });
    it('is rejected for another file (a signature lifted onto a different binary)', async () => {
      const res = await post({
        artifact: read('unsigned/pe32.exe'),
        signature: read('extracted/pe32plus-sha256.p7s.der'),
      });
      const body = await res.json();
      expect(body.verdict).toBe('rejected');
      expect(codes(body.reasons)).toContain('AUTHENTICODE_IMAGE_HASH_MISMATCH');
    });
    it('is refused with a digest instead of the file: the image hash needs the file itself', async () => {
      const file = read('extracted/pe32plus-sha256-signature-removed.efi');
      const digest = `sha256:${toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', file)))}`;
      const res = await post({ signature: read('extracted/pe32plus-sha256.p7s.der'), digest });
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('CONTENT_REQUIRED');
    });
    it('is trusted when the signature part comes before the file (the file is kept, not only hashed)', async () => {
      // The signature names SHA-256 and has signed attributes, which would let the server hash a plain
      // package as it arrives; an Authenticode signature commits to the image hash, so the file is kept.
      const res = await post({
        signature: read('extracted/pe32plus-sha256.p7s.der'),
        artifact: read('extracted/pe32plus-sha256-signature-removed.efi'),
      });
      expect((await res.json()).verdict).toBe('trusted');
    });
  });
});

describe('POST /verify with a PE file signed by a key no CA vouches for (firmware style)', () => {
  describe('when two admins pin the signing certificate for the vendor', () => {
    it('goes from unknown_root to trusted through the pin, the verdict naming it as kind signer', async () => {
      const t = await createAdminTestApp({
        now: new Date('2026-06-01T00:00:00Z'),
        trustStoreDir: join(FIXTURES, 'trust-store'),
      });
      try {
        const file = bytesToBase64(read('signed/pe32plus-self-signed-signer.efi'));
        const verify = async () =>
          (await t.call('POST', '/verify', { body: { vendor: 'acme', artifact: file } })).json();
        expect((await verify()).verdict).toBe('unknown_root');
        const pem = readFileSync(join(FIXTURES, 'certs/self-signer.pem'), 'utf8');
        const proposed = await t.call('POST', '/vendors/acme/signers', {
          token: t.alice,
          body: { pem, reason: 'acme firmware signing key, fingerprint read back by phone' },
        });
        expect(proposed.status).toBe(202);
        const { sha256 } = await proposed.json();
        expect((await verify()).verdict).toBe('unknown_root');
        const approved = await t.call('POST', `/signers/${sha256}/approve`, {
          token: t.bob,
          body: { reason: 'second admin checked the fingerprint' },
        });
        expect(approved.status).toBe(200);
        const body = await verify();
        expect(body.verdict).toBe('trusted');
        expect(body.anchor).toMatchObject({ sha256, kind: 'signer' });
        expect(body.signatures[0].anchor).toMatchObject({ sha256, kind: 'signer' });
      } finally {
        await t.close();
      }
    });
  });
});
