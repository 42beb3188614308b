import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePem } from '../../src/verify';
import { signDetached } from '../helpers/cms-builder';
import { createAdminTestApp } from '../trust/helpers/admin-client';
import { ext, type Issued, makeCa, makeCrl, makeLeaf, makeRoot } from '../verify/path/cert-factory';

/**
 * Issue 14 through the HTTP API: a signer revoked for keyCompromise by an uploaded CRL stays rejected
 * whatever one admin uploads next, and even once two admins retire the revoking CRL (the revocation was
 * remembered when a verification first read it).
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const SERIAL = 777;
const content = new TextEncoder().encode('acme-agent 4.2.0');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
let storeDir: string;
let root: Issued;
let ca: Issued;
let signature: Uint8Array;

beforeAll(async () => {
  root = await makeRoot('Stays Root');
  ca = await makeCa('Stays Signing CA', root);
  const signer = await makeLeaf('Stays Signer', ca, {
    serial: SERIAL,
    extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage('1.3.6.1.5.5.7.3.3')],
  });
  signature = await signDetached({
    content,
    signer,
    issuerCn: ca.cn,
    serial: SERIAL,
    certificates: [signer.der, ca.der],
  });
  storeDir = mkdtempSync(join(tmpdir(), 'trustgate-stays-'));
  mkdirSync(join(storeDir, 'stays'));
  writeFileSync(join(storeDir, 'stays', 'root.pem'), encodePem('CERTIFICATE', root.der));
  t = await createAdminTestApp({ now: NOW, trustStoreDir: storeDir });
});
afterAll(async () => {
  await t.close();
  rmSync(storeDir, { recursive: true, force: true });
});

const upload = (crls: Uint8Array[], token: string) =>
  t.call('POST', '/vendors/stays/crls', {
    token,
    headers: { 'content-type': 'application/x-pem-file' },
    body: crls.map((der) => encodePem('X509 CRL', der)).join(''),
  });

async function verdict() {
  const res = await t.call('POST', '/verify', {
    body: { vendor: 'stays', artifact: b64(content), signature: b64(signature) },
  });
  const body = (await res.json()) as { verdict: string; reasons: Array<{ code: string }> };
  return { verdict: body.verdict, codes: body.reasons.map((r) => r.code) };
}

describe('revocation through the API', () => {
  describe('when nothing is known of the signer', () => {
    it('is trusted (best-effort, with a warning)', async () => {
      expect((await verdict()).verdict).toBe('trusted');
    });
  });

  describe('when an admin uploads the CRL that revokes the signer, then one admin uploads an expired delta', () => {
    it('stays rejected with CERT_REVOKED', async () => {
      const revoking = await makeCrl({
        issuer: ca,
        number: 10,
        entries: [{ serial: SERIAL, date: day('2026-05-02'), reason: 1 }],
        thisUpdate: day('2026-05-25'),
        nextUpdate: day('2026-06-08'),
      });
      expect((await upload([revoking], t.alice)).status).toBe(201);
      expect(await verdict()).toEqual({ verdict: 'rejected', codes: ['CERT_REVOKED'] });

      const staleDelta = await makeCrl({
        issuer: ca,
        number: 11,
        deltaOf: 10,
        thisUpdate: day('2026-05-26'),
        nextUpdate: day('2026-05-27'),
      });
      expect((await upload([staleDelta], t.bob)).status).toBe(201);
      expect(await verdict()).toEqual({ verdict: 'rejected', codes: ['CERT_REVOKED'] });
    });
  });

  describe('when two admins retire the revoking CRL and a newer one no longer lists the signer', () => {
    it('stays rejected: the revocation was remembered', async () => {
      const listing = (await (await t.call('GET', '/vendors/stays/crls', { token: t.alice })).json()) as {
        crls: Array<{ sha256: string; crlNumber: string }>;
      };
      const revoking = listing.crls.find((c) => c.crlNumber === '10');
      expect(revoking).toBeDefined();
      const path = `/vendors/stays/crls/${revoking?.sha256}/retire`;
      expect(
        (await t.call('POST', path, { token: t.alice, body: { reason: 'superseded by #12' } })).status,
      ).toBe(202);
      expect(
        (await t.call('POST', `${path}/approve`, { token: t.bob, body: { reason: 'checked' } })).status,
      ).toBe(200);
      const dropped = await makeCrl({
        issuer: ca,
        number: 12,
        thisUpdate: day('2026-05-30'),
        nextUpdate: day('2026-06-13'),
      });
      expect((await upload([dropped], t.alice)).status).toBe(201);
      expect(await verdict()).toEqual({ verdict: 'rejected', codes: ['CERT_REVOKED'] });
    });
  });
});
