import { describe, expect, it } from 'vitest';
import { type Anchor, pathAnchorsOf } from '../../src/trust';

const der = new Uint8Array([1]);
const anchor = (sha256: string, change: Partial<Anchor>): Anchor => ({
  vendorId: 'acme',
  sha256,
  spkiSha256: sha256,
  subject: `CN=${sha256}`,
  der,
  notBefore: '2024-01-01T00:00:00.000Z',
  notAfter: '2034-01-01T00:00:00.000Z',
  state: 'active',
  distrustAfter: null,
  keyCompromise: false,
  source: 'seed',
  proposedBy: 'seed',
  approvedBy: 'seed',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...change,
});

describe('pathAnchorsOf', () => {
  describe('when roots are active, distrusted from a date, distrusted for key compromise, pending or retired', () => {
    it('offers the active and distrusted ones, and key-compromised ones marked so (retired or not)', () => {
      const after = '2025-01-01T00:00:00.000Z';
      expect(
        pathAnchorsOf([
          anchor('active', {}),
          anchor('dated', { state: 'distrusted', distrustAfter: after }),
          anchor('compromised', { state: 'distrusted', distrustAfter: after, keyCompromise: true }),
          anchor('compromised-retired', { state: 'retired', distrustAfter: after, keyCompromise: true }),
          anchor('pending', { state: 'pending' }),
          anchor('retired', { state: 'retired' }),
        ]),
      ).toEqual([
        { id: 'active', der },
        { id: 'dated', der, distrustAfter: new Date(after) },
        { id: 'compromised', der, keyCompromised: true, distrustAfter: new Date(after) },
        { id: 'compromised-retired', der, keyCompromised: true, distrustAfter: new Date(after) },
      ]);
    });
  });

  describe('pinned signers', () => {
    it('pass by the same rules as roots, marked kind signer; pending and retired ones pin nothing', () => {
      const after = '2025-01-01T00:00:00.000Z';
      const signer = (sha256: string, change: Partial<Anchor>) =>
        anchor(sha256, { kind: 'signer', ...change });
      expect(
        pathAnchorsOf([
          signer('active', {}),
          signer('dated', { state: 'distrusted', distrustAfter: after }),
          signer('compromised-retired', { state: 'retired', distrustAfter: after, keyCompromise: true }),
          signer('pending', { state: 'pending' }),
          signer('retired', { state: 'retired' }),
          anchor('root', { kind: 'root' }),
        ]),
      ).toEqual([
        { id: 'active', der, kind: 'signer' },
        { id: 'dated', der, kind: 'signer', distrustAfter: new Date(after) },
        {
          id: 'compromised-retired',
          der,
          kind: 'signer',
          keyCompromised: true,
          distrustAfter: new Date(after),
        },
        { id: 'root', der },
      ]);
    });
  });
});
