import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/db';
import { importBundledSeed } from '../../src/platform/bundled-seed';
import { TRUST_STORE_BUNDLE } from '../../src/platform/trust-store-bundle';
import { importSeed } from '../../src/trust';
import { approveVendorChange, proposeVendorChange } from '../../src/trust/vendor-changes';
import { decodePemBlocks } from '../../src/verify';
import { call, createAdmin, fixtures, reasonCodes, testDatabase, verifyCase } from './helpers';

const GLOBEX_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';
const FIXTURE_TIME = '2026-06-01T00:00:00Z';

/** The fixture trust store (test/fixtures/cms/trust-store) as importSeed takes it. */
const fixtureSeed = () =>
  Object.entries(fixtures.fixtureRoots).map(([id, files]) => ({
    id,
    vendorJson: null,
    certificates: Object.entries(files).flatMap(([file, pem]) =>
      decodePemBlocks(pem).map((block) => ({ file, der: block.der })),
    ),
  }));

let alice: string;
let bob: string;
beforeAll(async () => {
  // The first request imports the bundled trust-store/ (acme, globex).
  expect((await call('GET', '/health')).status).toBe(200);
  alice = await createAdmin('alice');
  bob = await createAdmin('bob');
});

describe('a trust-store seed imported into D1 with importSeed', () => {
  it('adds only the roots the database lacks and bumps the store version', async () => {
    const { trust } = testDatabase();
    const before = await trust.storeVersion();
    const report = await importSeed(trust, fixtureSeed(), new Date());
    expect(report.vendorsCreated).toEqual([]);
    expect(report.anchorsAdded).toEqual([
      { vendorId: 'acme', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), state: 'active' },
    ]);
    expect(report.conflicts).toEqual([]);
    expect(await trust.storeVersion()).toBe(before + 1);
    const acme = await trust.listAnchors('acme');
    expect(acme).toHaveLength(3);
    expect(acme.find((a) => a.sha256 === report.anchorsAdded[0]?.sha256)).toMatchObject({
      state: 'active',
      source: 'seed',
    });
  });

  it('then gives every CMS fixture its expected verdict inside workerd, as on Node', async () => {
    const mismatches: string[] = [];
    for (const c of fixtures.cases) {
      const { status, body } = await verifyCase(c.name, { time: FIXTURE_TIME, token: alice });
      const got = status === 200 ? body.verdict : `HTTP ${status} ${body.code}`;
      if (got !== c.expectedVerdict) mismatches.push(`${c.name}: expected ${c.expectedVerdict}, got ${got}`);
      else if (c.expectedReasons.length > 0 && !c.expectedReasons.every((r) => reasonCodes(body).includes(r)))
        mismatches.push(`${c.name}: expected ${c.expectedReasons}, got ${reasonCodes(body)}`);
    }
    expect(mismatches).toEqual([]);
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(30);
  });
});

describe('an admin change through the API, at the edge', () => {
  it('makes a root that two admins proposed and approved anchor the chain that was unknown_root', async () => {
    const before = await verifyCase(GLOBEX_FOR_ACME, { vendor: 'acme' });
    expect(before.body.verdict).toBe('unknown_root');
    const globexRoot = fixtures.fixtureRoots.globex?.['globex-root-p384.pem'];

    const proposed = await call('POST', '/vendors/acme/roots', {
      token: alice,
      body: { pem: globexRoot, reason: 'Acme now signs through the Globex CA (workers test)' },
    });
    expect(proposed.status).toBe(202);
    const pending = await proposed.json();
    expect(pending).toMatchObject({ vendor: 'acme', state: 'pending', proposedBy: 'alice' });
    expect((await verifyCase(GLOBEX_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('unknown_root');

    const approved = await call('POST', `/roots/${pending.sha256}/approve?vendor=acme`, {
      token: bob,
      body: { reason: 'fingerprint confirmed with Acme PSIRT by phone' },
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'active', approvedBy: 'bob' });

    const after = await verifyCase(GLOBEX_FOR_ACME, { vendor: 'acme' });
    expect(after.body.verdict).toBe('trusted');
    expect(after.body.anchor).toMatchObject({ vendor: 'acme', sha256: pending.sha256 });
  });

  it('keeps a root an admin distrusted when the bundled seed is imported again (the seed rules)', async () => {
    const { db, trust } = testDatabase();
    const rsa = (await trust.listAnchors('acme')).find((a) => a.subject.startsWith('CN=Acme Root CA RSA'));
    if (!rsa) throw new Error('the bundled acme RSA root is missing');
    const distrusted = await call('POST', `/roots/${rsa.sha256}/distrust?vendor=acme`, {
      token: alice,
      body: { after: '2020-01-01T00:00:00Z', reason: 'key compromise announced (workers test)' },
    });
    expect(distrusted.status).toBe(200);

    const report = await importBundledSeed(db, trust, TRUST_STORE_BUNDLE, new Date(), { force: true });
    expect(report?.anchorsAdded).toEqual([]);
    expect(report?.conflicts).toContainEqual({ vendorId: 'acme', sha256: rsa.sha256, state: 'distrusted' });
    expect((await trust.getAnchor('acme', rsa.sha256))?.state).toBe('distrusted');
    const conflicts = await db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'seed.conflict'));
    expect(conflicts.map((c) => c.targetId)).toContain(rsa.sha256);

    // Signers issued after the distrust date no longer chain to it.
    const res = await verifyCase('rsa2048-sha256-detached-der-trusted', { time: FIXTURE_TIME, token: alice });
    expect(res.body.verdict).toBe('rejected');
  });

  it('applies a change of escalation contacts only once a second admin approves it (D1 batch)', async () => {
    const etag = (await call('GET', '/vendors/globex', { token: alice })).headers.get('etag') as string;
    const contacts = [{ name: 'Globex PSIRT', channel: 'email', value: 'psirt@globex.example' }];
    const proposed = await call('PATCH', '/vendors/globex', {
      token: alice,
      headers: { 'if-match': etag },
      body: { contacts, reason: 'new PSIRT address (workers test)' },
    });
    expect(proposed.status).toBe(202);
    const change = await proposed.json();
    expect((await (await call('GET', '/vendors/globex', { token: bob })).json()).contacts).not.toEqual(
      contacts,
    );

    const approved = await call('POST', `/vendors/globex/changes/${change.id}/approve`, {
      token: bob,
      body: { reason: 'confirmed by phone' },
    });
    expect(approved.status).toBe(200);
    expect((await (await call('GET', '/vendors/globex', { token: bob })).json()).contacts).toEqual(contacts);
    const stored = await testDatabase().trust.getVendorChange('globex', change.id);
    expect(stored).toMatchObject({ state: 'approved', decidedBy: 'bob' });
  });

  it('writes nothing through the D1 batch when the vendor moved on after the approval was decided', async () => {
    const { trust } = testDatabase();
    const before = await trust.getVendor('acme');
    if (!before) throw new Error('acme is missing');
    const change = proposeVendorChange({
      id: 'chg_d1_stale',
      vendor: before,
      changes: { contacts: [{ name: 'X', channel: 'email', value: 'x@evil.example' }] },
      reason: 'workers test',
      proposedBy: 'alice',
      now: new Date(),
    });
    const entry = {
      at: new Date().toISOString(),
      actor: 'bob',
      targetType: 'vendor' as const,
      targetId: 'acme',
    };
    await trust.insertVendorChangeAudited(change, {
      ...entry,
      action: 'vendor.change.propose',
      vendorId: 'acme',
      reason: 'r',
      before: null,
      after: null,
    });
    const decision = approveVendorChange(change, before, 'bob', new Date(), { proposer: [], approver: [] });
    if (!decision.ok) throw new Error(decision.detail);
    const renamed = { ...before, name: 'Acme Renamed', version: before.version + 1 };
    expect(await trust.updateVendor(renamed, before.version)).toBe(true);

    const written = await trust.approveVendorChangeAudited(decision.change, decision.vendor, {
      ...entry,
      action: 'vendor.change.approve',
      vendorId: 'acme',
      reason: 'r',
      before: null,
      after: null,
    });
    expect(written).toBe(false);
    expect(await trust.getVendor('acme')).toMatchObject({ name: 'Acme Renamed', contacts: before.contacts });
    expect((await trust.getVendorChange('acme', 'chg_d1_stale'))?.state).toBe('pending');
  });
});
