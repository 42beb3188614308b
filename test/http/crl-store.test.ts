import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrlRepository } from '../../src/db/crl-repository';
import { type CrlRepository, MAX_CRLS_PER_ISSUER } from '../../src/trust';
import { encodePem } from '../../src/verify';
import { isParseError, parseCertificate } from '../../src/verify/certificate';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';
import { type Issued, makeCa, makeCrl, makeLeaf, makeRoot } from '../verify/path/cert-factory';

const NOW = new Date('2026-06-01T00:00:00Z');
const day = (n: number) => new Date(Date.UTC(2026, 4, n));
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sha256Of = async (der: Uint8Array) =>
  hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(der))));

/** The canonical issuer name of a certificate, as the verifier sees it on a path. */
function issuerOf(cert: Issued): string {
  const parsed = parseCertificate(cert.der);
  if (isParseError(parsed)) throw new Error('unparsable test certificate');
  return parsed.issuerCanonical;
}

async function setup() {
  const t = await createAdminTestApp({
    now: NOW,
    trustStoreDir: join(TIMESTAMP_FIXTURES, 'trust-store'),
  });
  const crls = createCrlRepository(t.db);
  const upload = (ders: Uint8Array[], token = t.alice) =>
    t.call('POST', '/vendors/acme/crls', {
      token,
      headers: { 'content-type': 'application/x-pem-file' },
      body: ders.map((der) => encodePem('X509 CRL', der)).join(''),
    });
  const listing = async (token = t.alice) => {
    const res = await t.call('GET', '/vendors/acme/crls', { token });
    return { status: res.status, body: await res.json() };
  };
  return { ...t, crls, upload, listing };
}

/** `count` CRLs, each by another CA (none of them the one a test's path goes through). */
async function crlsOfOtherCas(root: Issued, count: number, thisUpdate: Date): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const ca = await makeCa(`Other CA ${i}`, root);
    out.push(await makeCrl({ issuer: ca, thisUpdate, nextUpdate: day(60), number: 1 }));
  }
  return out;
}

describe('GET /vendors/{id}/crls', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  let crl: Uint8Array;
  beforeAll(async () => {
    t = await setup();
    const root = await makeRoot('Listing Root');
    crl = await makeCrl({
      issuer: root,
      thisUpdate: day(20),
      nextUpdate: day(50),
      number: 300,
      entries: [
        { serial: 11, date: day(2), reason: 1 },
        { serial: 12, date: day(3) },
        { serial: 13, date: day(4), reason: 4 },
      ],
    });
    expect((await t.upload([crl])).status).toBe(201);
  });
  afterAll(() => t.close());

  describe('when an admin uploaded a CRL', () => {
    it('lists its issuer, number, dates, entries and uploader, in use and with no retirement pending', async () => {
      const { status, body } = await t.listing();
      expect(status).toBe(200);
      expect(body.truncated).toBe(false);
      expect(body.crls).toEqual([
        expect.objectContaining({
          vendor: 'acme',
          sha256: await sha256Of(crl),
          issuer: 'CN=Listing Root',
          crlNumber: '300',
          deltaOf: null,
          thisUpdate: '2026-05-20T00:00:00.000Z',
          nextUpdate: '2026-06-19T00:00:00.000Z',
          entries: 3,
          source: 'upload',
          uploadedBy: 'alice',
          createdAt: NOW.toISOString(),
          state: 'active',
          pendingRetirement: null,
          retirement: null,
        }),
      ]);
    });
  });

  describe('when an oncall token reads it', () => {
    it('answers the same listing', async () => {
      const oncall = (await t.createToken('carol-oncall', 'oncall')).secret;
      expect((await t.listing(oncall)).body).toEqual((await t.listing()).body);
    });
  });

  describe('when a verifier token or no token reads it', () => {
    it('refuses with 403 and 401', async () => {
      const verifier = (await t.createToken('ci-verifier', 'verifier')).secret;
      expect((await t.listing(verifier)).status).toBe(403);
      expect((await t.call('GET', '/vendors/acme/crls')).status).toBe(401);
    });
  });

  describe('when the vendor does not exist', () => {
    it('refuses with 404', async () => {
      expect((await t.call('GET', '/vendors/nobody/crls', { token: t.alice })).status).toBe(404);
    });
  });
});

describe('stored CRLs a verification consults', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await setup();
  });
  afterAll(() => t.close());

  describe('when more than 32 CRLs of other CAs were uploaded after the revoking one', () => {
    it("still answers the revoking CRL for the path's issuer, and none of the others", async () => {
      const root = await makeRoot('Busy Root');
      const ca = await makeCa('Signing CA', root);
      const leaf = await makeLeaf('Signer', ca, { serial: 77 });
      const revoking = await makeCrl({
        issuer: ca,
        thisUpdate: day(1),
        nextUpdate: day(60),
        entries: [{ serial: 77, date: day(1), reason: 1 }],
      });
      expect((await t.upload([revoking])).status).toBe(201);
      const others = await crlsOfOtherCas(root, 40, day(10));
      for (let i = 0; i < others.length; i += 16) {
        expect((await t.upload(others.slice(i, i + 16))).status).toBe(201);
      }
      const found = await t.crls.listForIssuers('acme', [issuerOf(leaf)]);
      expect(found.map(hex)).toEqual([hex(revoking)]);
    });
  });

  describe('when the vendor uploaded the CRL that revokes a signer, and 40 other CAs uploaded theirs since', () => {
    it('rejects that signer with CERT_REVOKED', async () => {
      const root = await makeRoot('Crowd Root');
      expect(
        (await t.upload([readTimestampFixture('crls/ca-revokes-signer-keycompromise-2026-05-01.crl')]))
          .status,
      ).toBe(201);
      const others = await crlsOfOtherCas(root, 40, day(25));
      for (let i = 0; i < others.length; i += 16) await t.upload(others.slice(i, i + 16));
      const c = timestampCase('valid-signer-untimestamped-trusted');
      const res = await t.call('POST', '/verify', {
        body: {
          vendor: 'acme',
          artifact: Buffer.from(readTimestampFixture(c.artifact)).toString('base64'),
          signature: Buffer.from(readTimestampFixture(c.signature)).toString('base64'),
        },
      });
      const body = await res.json();
      expect(body.verdict).toBe('rejected');
      expect(body.reasons.map((r: { code: string }) => r.code)).toContain('CERT_REVOKED');
    });
  });

  describe(`when one CA has more than ${MAX_CRLS_PER_ISSUER} CRLs stored`, () => {
    it(`answers its newest ${MAX_CRLS_PER_ISSUER} by thisUpdate`, async () => {
      const ca = await makeRoot('Prolific CA');
      const all: Uint8Array[] = [];
      for (let i = 0; i < MAX_CRLS_PER_ISSUER + 2; i++) {
        const thisUpdate = new Date(Date.UTC(2026, 0, 1, i));
        all.push(await makeCrl({ issuer: ca, thisUpdate, nextUpdate: day(60), number: i + 1 }));
      }
      for (let i = 0; i < all.length; i += 16)
        expect((await t.upload(all.slice(i, i + 16))).status).toBe(201);
      const found = new Set(
        (await t.crls.listForIssuers('acme', [issuerOf(await makeLeaf('x', ca))])).map(hex),
      );
      expect(found.size).toBe(MAX_CRLS_PER_ISSUER);
      expect(found.has(hex(all[0] as Uint8Array))).toBe(false);
      expect(found.has(hex(all[1] as Uint8Array))).toBe(false);
      expect(found.has(hex(all.at(-1) as Uint8Array))).toBe(true);
    });
  });

  describe('when another vendor holds a CRL of the same issuer', () => {
    it('answers it for that vendor only', async () => {
      const ca = await makeRoot('Shared CA');
      const crl = await makeCrl({ issuer: ca, thisUpdate: day(5), nextUpdate: day(60) });
      await t.upload([crl]);
      const issuer = issuerOf(await makeLeaf('y', ca));
      expect((await t.crls.listForIssuers('acme', [issuer])).map(hex)).toEqual([hex(crl)]);
      expect(await t.crls.listForIssuers('globex', [issuer])).toEqual([]);
    });
  });
});

describe('rows stored before the issuer key was kept', () => {
  describe('when the repository first reads them', () => {
    it('fills in issuer key, number and entries from the DER, so they are found by issuer and listed', async () => {
      const t = await setup();
      try {
        const ca = await makeRoot('Legacy CA');
        const der = await makeCrl({
          issuer: ca,
          thisUpdate: day(3),
          nextUpdate: day(60),
          number: 9,
          entries: [{ serial: 5, date: day(2), reason: 1 }],
        });
        const sha = await sha256Of(der);
        await t.db.run(sql`INSERT INTO crls (id, vendor_id, issuer, der, this_update, next_update, source, created_at)
          VALUES (${`acme:${sha}`}, 'acme', 'CN=Legacy CA', ${Buffer.from(der)}, '2026-05-03T00:00:00.000Z',
                  '2026-06-29T00:00:00.000Z', 'upload', '2026-05-04T00:00:00.000Z')`);
        const fresh = createCrlRepository(t.db);
        expect((await fresh.listForIssuers('acme', [issuerOf(await makeLeaf('z', ca))])).map(hex)).toEqual([
          hex(der),
        ]);
        expect(await fresh.get('acme', `acme:${sha}`)).toMatchObject({
          crlNumber: '09',
          entries: 1,
          state: 'active',
        });
      } finally {
        t.close();
      }
    });
  });
});

describe('retiring a CRL', () => {
  let t: Awaited<ReturnType<typeof setup>>;
  let crls: CrlRepository;
  let sha: string;
  let issuer: string;
  const retire = (
    suffix: '' | '/approve' | '/withdraw',
    token: string,
    reason = 'superseded by a re-issued CA',
  ) => t.call('POST', `/vendors/acme/crls/${sha}/retire${suffix}`, { token, body: { reason } });
  const active = async () => (await crls.listForIssuers('acme', [issuer])).length === 1;

  beforeAll(async () => {
    t = await setup();
    crls = t.crls;
    const ca = await makeRoot('Retired CA');
    const der = await makeCrl({
      issuer: ca,
      thisUpdate: day(5),
      nextUpdate: day(60),
      entries: [{ serial: 3, date: day(4) }],
    });
    sha = await sha256Of(der);
    issuer = issuerOf(await makeLeaf('w', ca));
    expect((await t.upload([der])).status).toBe(201);
  });
  afterAll(() => t.close());

  describe('when an admin proposes to retire it', () => {
    it('answers 202 with the retirement pending, and the CRL is still consulted', async () => {
      const res = await retire('', t.alice);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({
        state: 'active',
        pendingRetirement: { proposedBy: 'alice', reason: 'superseded by a re-issued CA', approvedBy: null },
      });
      expect(await active()).toBe(true);
      const listed = (await t.listing()).body.crls[0];
      expect(listed.pendingRetirement).toMatchObject({ proposedBy: 'alice' });
    });
  });

  describe('when an admin proposes again while one is pending', () => {
    it('refuses with 409 INVALID_STATE', async () => {
      const res = await problem(await retire('', t.bob));
      expect([res.status, res.body.code]).toEqual([409, 'INVALID_STATE']);
    });
  });

  describe('when the proposer approves it', () => {
    it('refuses with 403 SELF_APPROVAL_FORBIDDEN, as for roots, and the CRL stays in use', async () => {
      const res = await problem(await retire('/approve', t.alice));
      expect([res.status, res.body.code]).toEqual([403, 'SELF_APPROVAL_FORBIDDEN']);
      expect(await active()).toBe(true);
    });
  });

  describe('when a token the proposer made approves it', () => {
    it('refuses with 403 SELF_APPROVAL_FORBIDDEN', async () => {
      const made = await t.call('POST', '/admin/tokens', {
        token: t.alice,
        body: { name: 'alice-second', role: 'admin', reason: 'second token' },
      });
      const secret = (await made.json()).token as string;
      const res = await problem(await retire('/approve', secret));
      expect([res.status, res.body.code]).toEqual([403, 'SELF_APPROVAL_FORBIDDEN']);
      expect(await active()).toBe(true);
    });
  });

  describe('when a second, independent admin approves it', () => {
    it('retires it: listed as retired and no longer consulted', async () => {
      const res = await retire('/approve', t.bob, 'checked with the vendor');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        state: 'retired',
        pendingRetirement: null,
        retirement: { proposedBy: 'alice', approvedBy: 'bob', approvedAt: NOW.toISOString() },
      });
      expect(await active()).toBe(false);
      expect((await t.listing()).body.crls[0]).toMatchObject({ sha256: sha, state: 'retired' });
    });
    it('has audited the upload and every step, with who and why', async () => {
      const res = await t.call('GET', `/audit?vendor=acme&root=${sha}`, { token: t.alice });
      const entries = (await res.json()).entries as Array<{ action: string; actor: string; reason: string }>;
      expect(entries.map((e) => [e.action, e.actor])).toEqual([
        ['crl.upload', 'alice'],
        ['crl.retire.propose', 'alice'],
        ['crl.retire.approve', 'bob'],
      ]);
      expect(entries[2]?.reason).toBe('checked with the vendor');
    });
  });

  describe('when a retired CRL is proposed for retirement again', () => {
    it('refuses with 409 INVALID_STATE', async () => {
      expect((await problem(await retire('', t.alice))).body.code).toBe('INVALID_STATE');
    });
  });

  describe('when a pending retirement is withdrawn', () => {
    it('keeps the CRL in use with nothing pending, audited', async () => {
      const ca = await makeRoot('Kept CA');
      const der = await makeCrl({ issuer: ca, thisUpdate: day(6), nextUpdate: day(60) });
      const kept = await sha256Of(der);
      await t.upload([der]);
      const path = `/vendors/acme/crls/${kept}/retire`;
      expect((await t.call('POST', path, { token: t.bob, body: { reason: 'mistake?' } })).status).toBe(202);
      const res = await t.call('POST', `${path}/withdraw`, { token: t.bob, body: { reason: 'it was not' } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ state: 'active', pendingRetirement: null });
      expect(await crls.listForIssuers('acme', [issuerOf(await makeLeaf('v', ca))])).toHaveLength(1);
      const audit = await (await t.call('GET', `/audit?root=${kept}`, { token: t.alice })).json();
      expect(audit.entries.map((e: { action: string }) => e.action)).toContain('crl.retire.withdraw');
    });
  });

  describe('when the CRL is not on file or the hash is malformed', () => {
    it('refuses with 404 and 400', async () => {
      const missing = await t.call('POST', `/vendors/acme/crls/${'0'.repeat(64)}/retire`, {
        token: t.alice,
        body: { reason: 'x' },
      });
      expect(missing.status).toBe(404);
      const bad = await t.call('POST', '/vendors/acme/crls/xyz/retire', {
        token: t.alice,
        body: { reason: 'x' },
      });
      expect((await problem(bad)).body.code).toBe('INVALID_FIELD');
    });
  });
});
