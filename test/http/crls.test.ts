import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrlRepository } from '../../src/db/crl-repository';
import { storedCrlsOf } from '../../src/services/revocation/crls';
import { verifyRequest } from '../../src/services/verification';
import { DEFAULT_VERIFY_LIMITS, encodePem } from '../../src/verify';
import { createTestApp } from '../helpers/test-app';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';

const ADMIN = 'admin-secret-for-tests';
const now = new Date('2026-06-01T00:00:00Z');
const subtle = globalThis.crypto.subtle;
let ctx: Awaited<ReturnType<typeof setup>>;

/** The app as every platform assembles it, over the timestamp fixtures' trust store. */
async function setup() {
  const t = await createTestApp({
    now,
    adminToken: ADMIN,
    trustStoreDir: join(TIMESTAMP_FIXTURES, 'trust-store'),
  });
  return { app: t.app, trust: t.trust, crls: createCrlRepository(t.db), close: t.close };
}
beforeAll(async () => {
  ctx = await setup();
});
afterAll(() => ctx.close());

const crl = (name: string) => readTimestampFixture(`crls/${name}.crl`);
const upload = (vendor: string, body: Uint8Array | string, token: string | null = ADMIN) =>
  ctx.app.request(`/vendors/${vendor}/crls`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: {
      'content-type': typeof body === 'string' ? 'application/x-pem-file' : 'application/pkix-crl',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });

describe('POST /vendors/{id}/crls', () => {
  describe('when the caller has no admin token', () => {
    it('refuses with 401 and stores nothing', async () => {
      const res = await upload('acme', crl('root-revokes-nothing'), null);
      expect(res.status).toBe(401);
      expect(await ctx.crls.list('acme', 10)).toEqual([]);
    });
  });

  describe('when an admin uploads PEM text with two CRLs', () => {
    it('stores both, once, and says which were new', async () => {
      const pem =
        encodePem('X509 CRL', crl('root-revokes-nothing')) +
        encodePem('X509 CRL', crl('ca-revokes-signer-keycompromise-2026-05-01'));
      const first = await upload('acme', pem);
      expect(first.status).toBe(201);
      const body = await first.json();
      expect(body.crls.map((c: { stored: boolean }) => c.stored)).toEqual([true, true]);
      expect(body.crls[1].issuer).toContain('Acme Timestamp Test Signing CA');
      const again = await (await upload('acme', pem)).json();
      expect(again.crls.map((c: { stored: boolean }) => c.stored)).toEqual([false, false]);
    });
    it('makes the next verification of a signer they revoke rejected with CERT_REVOKED', async () => {
      const c = timestampCase('valid-signer-untimestamped-trusted');
      const response = await verifyRequest(
        {
          trust: ctx.trust,
          subtle,
          now: () => now,
          limits: DEFAULT_VERIFY_LIMITS,
          escalate: async () => null,
          storedCrls: storedCrlsOf(ctx.crls),
        },
        {
          vendor: 'acme',
          signature: readTimestampFixture(c.signature),
          artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
        },
      );
      expect(response.verdict).toBe('rejected');
      expect(response.reasons.map((r) => r.code)).toContain('CERT_REVOKED');
    });
  });

  describe('when the body is not a CRL', () => {
    it('refuses with 422 INVALID_CRL', async () => {
      const res = await upload('acme', new TextEncoder().encode('not a crl'));
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('INVALID_CRL');
    });
  });

  describe('when the vendor does not exist', () => {
    it('refuses with 404', async () => {
      expect((await upload('nobody', crl('root-revokes-nothing'))).status).toBe(404);
    });
  });
});
