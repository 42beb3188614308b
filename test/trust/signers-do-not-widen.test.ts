import { describe, expect, it } from 'vitest';
import { activeRootsOf } from '../../src/services/feeds/candidates';
import type { Anchor, TrustRepository } from '../../src/trust';

const anchor = (sha256: string, change: Partial<Anchor>): Anchor => ({
  vendorId: 'acme',
  sha256,
  spkiSha256: sha256,
  subject: `CN=${sha256}`,
  der: new TextEncoder().encode(sha256),
  notBefore: '2024-01-01T00:00:00.000Z',
  notAfter: '2034-01-01T00:00:00.000Z',
  state: 'active',
  distrustAfter: null,
  keyCompromise: false,
  source: 'api',
  proposedBy: 'alice',
  approvedBy: 'bob',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...change,
});

describe('a pinned signer outside the verifier', () => {
  it('does not corroborate candidate roots from feeds (only active roots do)', async () => {
    const trust: Pick<TrustRepository, 'listAnchors'> = {
      listAnchors: async () => [
        anchor('root', { kind: 'root' }),
        anchor('legacy', {}),
        anchor('pin', { kind: 'signer' }),
      ],
    };
    const roots = await activeRootsOf(trust)('acme');
    expect(roots.map((der) => new TextDecoder().decode(der))).toEqual(['root', 'legacy']);
  });
});
