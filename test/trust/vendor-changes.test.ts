import { describe, expect, it } from 'vitest';
import type { Vendor } from '../../src/trust';
import {
  approveVendorChange,
  changedFields,
  needsSecondAdmin,
  proposeVendorChange,
} from '../../src/trust/vendor-changes';

const NOW = new Date('2026-11-25T12:00:00Z');
const acme: Vendor = {
  id: 'acme',
  name: 'Acme',
  contacts: [{ name: 'PSIRT', channel: 'email', value: 'psirt@acme.example' }],
  identityRules: [{ field: 'subject.O', equals: 'Acme Corp' }],
  revocationPolicy: 'best-effort',
  version: 3,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};
const noLineage = { proposer: [], approver: [] };

describe('changedFields', () => {
  describe('when the patch repeats what is on file, in another key order', () => {
    it('finds nothing to change, so nothing needs a second admin', () => {
      const changes = changedFields(acme, {
        name: 'Acme',
        contacts: [{ value: 'psirt@acme.example', channel: 'email', name: 'PSIRT' }],
        identityRules: [{ equals: 'Acme Corp', field: 'subject.O' }],
      });
      expect(changes).toEqual({});
      expect(needsSecondAdmin(changes)).toBe(false);
    });
  });

  describe('when only the name changes', () => {
    it('needs one admin', () => {
      expect(needsSecondAdmin(changedFields(acme, { name: 'Acme Inc' }))).toBe(false);
    });
  });

  describe('when the revocation policy moves to require (narrowing)', () => {
    it('needs one admin', () => {
      const changes = changedFields(acme, { revocationPolicy: 'require' });
      expect(changes).toEqual({ revocationPolicy: 'require' });
      expect(needsSecondAdmin(changes)).toBe(false);
    });
  });

  describe('when the revocation policy moves back to best-effort (widening)', () => {
    it('needs a second admin, and asking for the policy the vendor has changes nothing', () => {
      const requiring = { ...acme, revocationPolicy: 'require' as const };
      expect(needsSecondAdmin(changedFields(requiring, { revocationPolicy: 'best-effort' }))).toBe(true);
      expect(changedFields(acme, { revocationPolicy: 'best-effort' })).toEqual({});
    });
  });

  describe('when a rule is dropped or a contact edited', () => {
    it('needs a second admin', () => {
      expect(needsSecondAdmin(changedFields(acme, { identityRules: [] }))).toBe(true);
      expect(
        needsSecondAdmin(
          changedFields(acme, { contacts: [{ name: 'PSIRT', channel: 'email', value: 'x@evil.example' }] }),
        ),
      ).toBe(true);
    });
  });
});

describe('approveVendorChange', () => {
  const change = proposeVendorChange({
    id: 'chg_1',
    vendor: acme,
    changes: { identityRules: [] },
    reason: 'drop rule',
    proposedBy: 'alice',
    now: NOW,
  });

  describe('when an independent admin approves against the same version', () => {
    it('applies the fields, moves the version and records the approver', () => {
      const decision = approveVendorChange(change, acme, 'bob', NOW, noLineage);
      expect(decision).toMatchObject({
        ok: true,
        vendor: { identityRules: [], version: 4, contacts: acme.contacts },
        change: { state: 'approved', decidedBy: 'bob' },
      });
    });
  });

  describe('when the approver descends from the proposer', () => {
    it('refuses with SELF_APPROVAL_FORBIDDEN', () => {
      const decision = approveVendorChange(change, acme, 'alice-phone', NOW, {
        proposer: ['bootstrap-admin'],
        approver: ['alice', 'bootstrap-admin'],
      });
      expect(decision).toMatchObject({ ok: false, code: 'SELF_APPROVAL_FORBIDDEN' });
    });
  });

  describe('when the vendor moved on since the proposal', () => {
    it('refuses with INVALID_STATE', () => {
      const decision = approveVendorChange(change, { ...acme, version: 4 }, 'bob', NOW, noLineage);
      expect(decision).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    });
  });
});
