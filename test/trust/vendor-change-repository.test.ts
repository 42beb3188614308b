import { describe, expect, it } from 'vitest';
import { createTrustRepository } from '../../src/db';
import { createAuditReader } from '../../src/db/audit-repository';
import { openLibsqlDatabase } from '../../src/db/libsql';
import type { AuditEntry, Vendor } from '../../src/trust';
import { approveVendorChange, proposeVendorChange } from '../../src/trust/vendor-changes';
import { MIGRATIONS } from '../helpers/test-app';

const NOW = new Date('2026-11-25T12:00:00Z');
const vendor: Vendor = {
  id: 'acme',
  name: 'Acme',
  contacts: [{ name: 'PSIRT', channel: 'email', value: 'psirt@acme.example' }],
  identityRules: [],
  revocationPolicy: 'best-effort',
  version: 1,
  createdAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};
const entry = (action: string): AuditEntry => ({
  at: NOW.toISOString(),
  actor: 'bob',
  action,
  targetType: 'vendor',
  targetId: 'acme',
  vendorId: 'acme',
  reason: 'test',
  before: null,
  after: null,
});

async function setUp() {
  const { db } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const trust = createTrustRepository(db);
  await trust.insertVendor(vendor);
  const change = proposeVendorChange({
    id: 'chg_1',
    vendor,
    changes: { contacts: [{ name: 'X', channel: 'email', value: 'x@evil.example' }] },
    reason: 'r',
    proposedBy: 'alice',
    now: NOW,
  });
  await trust.insertVendorChangeAudited(change, entry('vendor.change.propose'));
  const decision = approveVendorChange(change, vendor, 'bob', NOW, { proposer: [], approver: [] });
  if (!decision.ok) throw new Error(decision.detail);
  return { trust, decision, audit: createAuditReader(db) };
}

describe('approveVendorChangeAudited (libSQL)', () => {
  describe('when the vendor moved on after the approval was decided', () => {
    it('writes nothing: the vendor keeps the other write, the change stays pending, no audit entry', async () => {
      const { trust, decision, audit } = await setUp();
      const renamed = { ...vendor, name: 'Acme Inc', version: 2 };
      expect(await trust.updateVendor(renamed, 1)).toBe(true);

      expect(await trust.approveVendorChangeAudited(decision.change, decision.vendor, entry('approve'))).toBe(
        false,
      );
      expect(await trust.getVendor('acme')).toMatchObject({ name: 'Acme Inc', contacts: vendor.contacts });
      expect((await trust.getVendorChange('acme', 'chg_1'))?.state).toBe('pending');
      const actions = (await audit.list({ vendorId: 'acme', limit: 100 })).map((e) => e.action);
      expect(actions).toEqual(['vendor.change.propose']);
    });
  });

  describe('when the change was withdrawn after the approval was decided', () => {
    it('writes nothing to the vendor', async () => {
      const { trust, decision } = await setUp();
      const withdrawn = { ...decision.change, state: 'withdrawn' as const, decidedBy: 'alice' };
      expect(await trust.withdrawVendorChangeAudited(withdrawn, entry('withdraw'))).toBe(true);
      expect(await trust.approveVendorChangeAudited(decision.change, decision.vendor, entry('approve'))).toBe(
        false,
      );
      expect(await trust.getVendor('acme')).toMatchObject({ version: 1, contacts: vendor.contacts });
      expect((await trust.getVendorChange('acme', 'chg_1'))?.state).toBe('withdrawn');
    });
  });

  describe('when nothing moved', () => {
    it('writes the vendor, marks the change approved and moves the store version', async () => {
      const { trust, decision } = await setUp();
      const version = await trust.storeVersion();
      expect(await trust.approveVendorChangeAudited(decision.change, decision.vendor, entry('approve'))).toBe(
        true,
      );
      expect(await trust.getVendor('acme')).toMatchObject({ version: 2, contacts: decision.vendor.contacts });
      expect(await trust.getVendorChange('acme', 'chg_1')).toMatchObject({
        state: 'approved',
        decidedBy: 'bob',
      });
      expect(await trust.storeVersion()).toBeGreaterThan(version);
    });
  });
});
