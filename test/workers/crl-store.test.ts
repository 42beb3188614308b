import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createRevocationMemory } from '../../src/db';
import { createCrlRepository } from '../../src/db/crl-repository';
import { encodePem } from '../../src/verify';
import { isParseError, parseCertificate } from '../../src/verify/certificate';
import type { KnownRevocation } from '../../src/verify/revocation-memory';
import { makeCa, makeCrl, makeLeaf, makeRoot } from '../verify/path/cert-factory';
import { call, testDatabase, testEnv } from './helpers';

const day = (n: number) => new Date(Date.UTC(2026, 4, n));
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

const uploadPem = (vendor: string, ders: Uint8Array[]) =>
  exports.default.fetch(`https://trustgate.test/vendors/${vendor}/crls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testEnv.ADMIN_TOKEN}`, 'content-type': 'application/x-pem-file' },
    body: ders.map((der) => encodePem('X509 CRL', der)).join(''),
  });

describe('the CRL store on D1', () => {
  describe('when more than 32 CRLs of other CAs were uploaded after the revoking one', () => {
    it("answers the revoking CRL for the path's issuer, and lists every CRL with its uploader", async () => {
      // The first request imports the bundled trust store (vendor acme).
      expect((await call('GET', '/health')).status).toBe(200);
      const root = await makeRoot('Workers Root');
      const ca = await makeCa('Workers Signing CA', root);
      const leaf = await makeLeaf('Workers Signer', ca, { serial: 9 });
      const revoking = await makeCrl({
        issuer: ca,
        thisUpdate: day(1),
        nextUpdate: day(60),
        entries: [{ serial: 9, date: day(1), reason: 1 }],
      });
      expect((await uploadPem('acme', [revoking])).status).toBe(201);
      for (let batch = 0; batch < 3; batch++) {
        const others: Uint8Array[] = [];
        for (let i = 0; i < 12; i++) {
          const other = await makeCa(`Workers Other CA ${batch}-${i}`, root);
          others.push(await makeCrl({ issuer: other, thisUpdate: day(10), nextUpdate: day(60) }));
        }
        expect((await uploadPem('acme', others)).status).toBe(201);
      }
      const parsed = parseCertificate(leaf.der);
      if (isParseError(parsed)) throw new Error('unparsable test certificate');
      const crls = createCrlRepository(testDatabase().db);
      expect((await crls.listForIssuers('acme', [parsed.issuerCanonical])).map(hex)).toEqual([hex(revoking)]);

      const listing = await call('GET', '/vendors/acme/crls', { token: testEnv.ADMIN_TOKEN });
      const body = (await listing.json()) as {
        crls: Array<{ issuer: string; uploadedBy: string; entries: number }>;
      };
      expect(body.crls.filter((c) => c.issuer.startsWith('CN=Workers '))).toHaveLength(37);
      expect(body.crls.find((c) => c.issuer === 'CN=Workers Signing CA')).toMatchObject({
        uploadedBy: 'bootstrap-admin',
        entries: 1,
      });
    });
  });
});

describe('the revocation memory on D1', () => {
  const ISSUER = '[["2.5.4.3=workers ca"]]';
  const entry = (serial: string, evidence: string): KnownRevocation => ({
    issuer: ISSUER,
    serial,
    reasonCode: 1,
    revocationDate: new Date('2026-05-01T00:00:00Z'),
    evidenceSha256: evidence,
  });

  describe('when a CRL of 20,000 entries is remembered twice', () => {
    it('finds each entry once per piece of evidence', async () => {
      const memory = createRevocationMemory(testDatabase().db, () => new Date('2026-06-01T00:00:00Z'));
      const big = Array.from({ length: 20_000 }, (_, i) =>
        entry(`2${i.toString(16).padStart(6, '0')}`, 'd'.repeat(64)),
      );
      await memory.remember(big);
      await memory.remember(big);
      const found = await memory.find(big.map((e) => ({ issuer: e.issuer, serial: e.serial })));
      expect(found).toHaveLength(20_000);
      expect(found[0]).toEqual(
        expect.objectContaining({ issuer: ISSUER, reasonCode: 1, evidenceSha256: 'd'.repeat(64) }),
      );
    });
  });

  describe('when another CRL shows an already known certificate revoked', () => {
    it('keeps both, and other certificates stay unknown', async () => {
      const memory = createRevocationMemory(testDatabase().db);
      await memory.remember([entry('0abc', 'e'.repeat(64)), entry('0abc', 'f'.repeat(64))]);
      const found = await memory.find([
        { issuer: ISSUER, serial: '0abc' },
        { issuer: '[["2.5.4.3=someone else"]]', serial: '0abc' },
      ]);
      expect(found.map((r) => r.evidenceSha256).sort()).toEqual(['e'.repeat(64), 'f'.repeat(64)]);
    });
  });
});
