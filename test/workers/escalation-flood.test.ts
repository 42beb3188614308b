import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createEscalationRepository, schema } from '../../src/db';
import { bytesToBase64 } from '../../src/encoding';
import { DEFAULT_ESCALATION_LIMITS, openOrJoin } from '../../src/escalation';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';
import { postVerify, testDatabase } from './helpers';

const ARTIFACT = new TextEncoder().encode('a package signed under a root nobody knows\n');
const BUDGET = DEFAULT_ESCALATION_LIMITS.newCasesPerVendor;

async function verifyMinted(label: string) {
  const { signature } = await signUnderMintedRoot(ARTIFACT, label);
  const res = await postVerify({
    vendor: 'globex',
    artifact: bytesToBase64(ARTIFACT),
    signature: bytesToBase64(signature),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { verdict: string; escalation: { kind: string } | null };
}

describe('the worker over D1, under a flood of minted unknown roots', () => {
  describe('when one vendor sees more new roots than its budget, some of them at once', () => {
    it('opens the budget of cases and one overflow case that counts every other verification', async () => {
      const sequential = [];
      for (let i = 0; i < BUDGET + 3; i++) sequential.push(await verifyMinted(`Workers Minted ${i}`));
      const concurrent = await Promise.all(
        Array.from({ length: 6 }, (_, i) => verifyMinted(`Workers Concurrent ${i}`)),
      );
      const verdicts = [...sequential, ...concurrent];
      expect(verdicts.every((v) => v.verdict === 'unknown_root')).toBe(true);
      expect(verdicts.slice(BUDGET).every((v) => v.escalation?.kind === 'unknown-root-overflow')).toBe(true);

      const { db } = testDatabase();
      const cases = await db
        .select()
        .from(schema.escalationCases)
        .where(eq(schema.escalationCases.vendorId, 'globex'));
      expect(cases.filter((c) => c.kind === 'unknown-root')).toHaveLength(BUDGET);
      const overflow = cases.filter((c) => c.kind === 'unknown-root-overflow');
      expect(overflow).toHaveLength(1);
      const data = overflow[0]?.data as { verificationsBlocked: number } | undefined;
      expect(data?.verificationsBlocked).toBe(3 + 6);

      const opened = await db
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.vendorId, 'globex'), like(schema.auditLog.action, 'escalation.%')));
      expect(opened).toHaveLength(BUDGET + 1);
    });
  });

  describe('when a join falls back to the atomic count and two claims race for one slot', () => {
    it('counts on D1 in one statement and lets one claim win', async () => {
      const cases = createEscalationRepository(testDatabase().db);
      const root = { subject: 'CN=Hot Root', sha256: 'a1'.repeat(32), spkiSha256: 'b1'.repeat(32) };
      const { case: hot } = openOrJoin(undefined, {
        newCaseId: 'esc_workers_hot',
        vendorId: 'd1-race-test',
        top: root,
        chain: [],
        artifactDigest: null,
        at: new Date('2026-06-01T00:00:00Z'),
        stepCount: 6,
      });
      expect(await cases.insert(hot)).toBe(true);
      const counted = await Promise.all(
        [1, 2, 3].map(() => cases.countBlocked(hot.id, '2099-01-01T00:00:00.000Z')),
      );
      expect(counted.map((c) => c?.case.verificationsBlocked).sort()).toEqual([2, 3, 4]);
      expect(counted.every((c) => c?.case.lastSeen === '2099-01-01T00:00:00.000Z')).toBe(true);

      expect(
        await cases.claimOpeningSlot({
          vendorId: 'd1-race-test',
          kind: 'unknown-root',
          slot: 0,
          previous: null,
          claimedAt: '2026-06-01T00:00:00.000Z',
          root: 'r1',
          caseId: 'esc_x',
        }),
      ).toBe(true);
      const [slot] = await cases.openingSlots('d1-race-test', 'unknown-root');
      const claim = (caseId: string) =>
        cases.claimOpeningSlot({
          vendorId: 'd1-race-test',
          kind: 'unknown-root',
          slot: slot?.slot ?? 0,
          previous: slot?.claimedAt ?? null,
          claimedAt: '2099-01-01T00:00:00.000Z',
          root: caseId,
          caseId,
        });
      expect((await Promise.all([claim('esc_a'), claim('esc_b')])).filter(Boolean)).toHaveLength(1);
    });
  });
});
