import { describe, expect, it } from 'vitest';
import type { Anchor } from '../../src/trust';
import {
  approveRoot,
  distrustForKeyCompromise,
  distrustRoot,
  retireRoot,
} from '../../src/trust/root-transitions';

const NOW = new Date('2026-06-01T00:00:00Z');
const anchor = (change: Partial<Anchor> = {}): Anchor => ({
  vendorId: 'acme',
  sha256: 'a'.repeat(64),
  spkiSha256: 'b'.repeat(64),
  subject: 'CN=Root',
  der: new Uint8Array([1]),
  notBefore: '2024-01-01T00:00:00.000Z',
  notAfter: '2034-01-01T00:00:00.000Z',
  state: 'pending',
  distrustAfter: null,
  keyCompromise: false,
  source: 'api',
  proposedBy: 'alice',
  approvedBy: null,
  version: 1,
  createdAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-01T00:00:00.000Z',
  ...change,
});

describe('approveRoot', () => {
  describe('when another admin approves a pending root', () => {
    it('makes it active, records the approver and bumps the version', () => {
      const result = approveRoot(anchor(), 'bob', NOW);
      expect(result).toMatchObject({
        ok: true,
        anchor: { state: 'active', approvedBy: 'bob', version: 2, updatedAt: NOW.toISOString() },
      });
    });
  });

  describe('when the proposer approves', () => {
    it('refuses with SELF_APPROVAL_FORBIDDEN', () => {
      expect(approveRoot(anchor(), 'alice', NOW)).toMatchObject({
        ok: false,
        code: 'SELF_APPROVAL_FORBIDDEN',
      });
    });
  });

  describe('when the root is not pending or has expired meanwhile', () => {
    it('refuses', () => {
      for (const state of ['active', 'distrusted', 'retired'] as const) {
        expect(approveRoot(anchor({ state }), 'bob', NOW)).toMatchObject({
          ok: false,
          code: 'INVALID_STATE',
        });
      }
      expect(approveRoot(anchor({ notAfter: '2026-05-31T00:00:00.000Z' }), 'bob', NOW)).toMatchObject({
        ok: false,
        code: 'ROOT_EXPIRED',
      });
    });
  });
});

describe('distrustRoot', () => {
  describe('when the root is active', () => {
    it('distrusts it from the given date', () => {
      const result = distrustRoot(anchor({ state: 'active' }), new Date('2025-01-01T00:00:00Z'), NOW);
      expect(result).toMatchObject({
        ok: true,
        anchor: { state: 'distrusted', distrustAfter: '2025-01-01T00:00:00.000Z' },
      });
    });
  });

  describe('when the root is already distrusted', () => {
    it('accepts only an earlier date', () => {
      const distrusted = anchor({ state: 'distrusted', distrustAfter: '2025-01-01T00:00:00.000Z' });
      expect(distrustRoot(distrusted, new Date('2024-06-01T00:00:00Z'), NOW).ok).toBe(true);
      expect(distrustRoot(distrusted, new Date('2025-01-01T00:00:00Z'), NOW)).toMatchObject({ ok: false });
      expect(distrustRoot(distrusted, new Date('2026-01-01T00:00:00Z'), NOW)).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
      });
    });
  });

  describe('when the root is pending or retired', () => {
    it('refuses: a distrusted root anchors more than those do', () => {
      for (const state of ['pending', 'retired'] as const) {
        expect(distrustRoot(anchor({ state }), NOW, NOW)).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      }
    });
  });
});

describe('distrustForKeyCompromise', () => {
  describe('when the root is active', () => {
    it('distrusts it for key compromise, dated `after` or else now', () => {
      const active = anchor({ state: 'active' });
      expect(distrustForKeyCompromise(active, null, NOW)).toMatchObject({
        ok: true,
        anchor: { state: 'distrusted', keyCompromise: true, distrustAfter: NOW.toISOString(), version: 2 },
      });
      expect(distrustForKeyCompromise(active, new Date('2025-03-01T00:00:00Z'), NOW)).toMatchObject({
        ok: true,
        anchor: { keyCompromise: true, distrustAfter: '2025-03-01T00:00:00.000Z' },
      });
    });
  });

  describe('when the root is distrusted from a date', () => {
    it('marks it and keeps the earlier of the two dates', () => {
      const distrusted = anchor({ state: 'distrusted', distrustAfter: '2025-01-01T00:00:00.000Z' });
      expect(distrustForKeyCompromise(distrusted, null, NOW)).toMatchObject({
        ok: true,
        anchor: { keyCompromise: true, distrustAfter: '2025-01-01T00:00:00.000Z' },
      });
      expect(distrustForKeyCompromise(distrusted, new Date('2024-01-01T00:00:00Z'), NOW)).toMatchObject({
        anchor: { distrustAfter: '2024-01-01T00:00:00.000Z' },
      });
    });
  });

  describe('when the root is already distrusted for key compromise', () => {
    it('refuses any distrust that would put a date limit back, and a second mark', () => {
      const compromised = anchor({
        state: 'distrusted',
        distrustAfter: '2025-01-01T00:00:00.000Z',
        keyCompromise: true,
      });
      for (const after of ['2024-01-01T00:00:00Z', '2030-01-01T00:00:00Z']) {
        expect(distrustRoot(compromised, new Date(after), NOW)).toMatchObject({
          ok: false,
          code: 'INVALID_STATE',
        });
      }
      expect(distrustForKeyCompromise(compromised, null, NOW)).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
      });
    });
  });

  describe('when the root is pending or retired', () => {
    it('refuses (retire a pending root instead)', () => {
      for (const state of ['pending', 'retired'] as const) {
        expect(distrustForKeyCompromise(anchor({ state }), null, NOW)).toMatchObject({
          ok: false,
          code: 'INVALID_STATE',
        });
      }
    });
  });
});

describe('retireRoot', () => {
  describe('when the root is in any state but retired', () => {
    it('retires it', () => {
      for (const state of ['pending', 'active', 'distrusted'] as const) {
        expect(retireRoot(anchor({ state }), NOW)).toMatchObject({ ok: true, anchor: { state: 'retired' } });
      }
      expect(retireRoot(anchor({ state: 'retired' }), NOW)).toMatchObject({
        ok: false,
        code: 'INVALID_STATE',
      });
    });
  });
});

describe('approveRoot with token lineage', () => {
  describe('when the approver token was made by the proposer, or made the proposer token', () => {
    it('refuses with SELF_APPROVAL_FORBIDDEN', () => {
      expect(
        approveRoot(anchor(), 'alice2', NOW, { proposer: ['root-admin'], approver: ['alice'] }),
      ).toMatchObject({
        ok: false,
        code: 'SELF_APPROVAL_FORBIDDEN',
      });
      expect(
        approveRoot(anchor(), 'root-admin', NOW, { proposer: ['root-admin'], approver: [] }),
      ).toMatchObject({
        ok: false,
        code: 'SELF_APPROVAL_FORBIDDEN',
      });
    });
  });

  describe('when both tokens were minted by one other admin (siblings: one person twice)', () => {
    it('refuses with SELF_APPROVAL_FORBIDDEN (regression: it approved)', () => {
      expect(
        approveRoot(anchor({ proposedBy: 'alice-laptop' }), 'alice-phone', NOW, {
          proposer: ['alice', 'bootstrap-admin'],
          approver: ['alice', 'bootstrap-admin'],
        }),
      ).toMatchObject({ ok: false, code: 'SELF_APPROVAL_FORBIDDEN' });
      expect(
        approveRoot(anchor({ proposedBy: 'alice-laptop' }), 'alice-ci', NOW, {
          proposer: ['alice', 'bootstrap-admin'],
          approver: ['alice-phone', 'alice', 'bootstrap-admin'],
        }),
      ).toMatchObject({ ok: false, code: 'SELF_APPROVAL_FORBIDDEN' });
    });
  });

  describe('when both were made only by the bootstrap admin', () => {
    it('approves', () => {
      expect(
        approveRoot(anchor(), 'bob', NOW, { proposer: ['bootstrap-admin'], approver: ['bootstrap-admin'] })
          .ok,
      ).toBe(true);
    });
  });
});
