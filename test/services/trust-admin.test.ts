import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuditReader, createTokenRepository, createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { TrustgateError } from '../../src/errors';
import type { CaseSettlement } from '../../src/escalation/ports';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { createTrustAdmin } from '../../src/services/trust-admin';
import { type Anchor, importSeed, type TrustRepository } from '../../src/trust';
import type { Principal } from '../../src/trust/tokens';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';
import { fixturePem, ROOTS } from '../trust/helpers/admin-client';

const now = new Date('2026-06-01T00:00:00Z');
const alice: Principal = { tokenId: 'tok_alice', name: 'alice', role: 'admin' };
const bob: Principal = { tokenId: 'tok_bob', name: 'bob', role: 'admin' };
const anyVersion = () => {};
const R2 = { sha256: ROOTS.acmeR2, vendor: 'acme' };

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
  vi.restoreAllMocks();
});

/** The service over a fresh store seeded from the fixture trust store, with `cases` as the settlement port. */
async function setup(cases: CaseSettlement, wrap: (trust: TrustRepository) => TrustRepository = (t) => t) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  closers.push(close);
  const trust = createTrustRepository(db);
  await importSeed(trust, await readTrustStoreDir(FIXTURE_TRUST_STORE), now);
  const audit = createAuditReader(db);
  const admin = createTrustAdmin({
    trust: wrap(trust),
    tokens: createTokenRepository(db),
    audit,
    subtle: globalThis.crypto.subtle,
    now: () => now,
    random: (bytes) => crypto.getRandomValues(bytes),
    cases,
  });
  const history = async (sha256: string) =>
    (await audit.list({ targetId: sha256, limit: 100 })).map((e) => e.action);
  return { admin, trust, history };
}

const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TrustgateError)) throw new Error(`expected a TrustgateError, got ${String(error)}`);
  return { code: error.code, detail: error.detail };
};

describe('trust admin', () => {
  describe('when a second admin approves a pending root', () => {
    it('settles the cases it answers after the approval is written, as the approver', async () => {
      const seen: Array<{ root: unknown; actor: string; stored: string | undefined }> = [];
      const { admin, trust } = await setup({
        settleByRoot: async (root, actor) => {
          seen.push({ root, actor, stored: (await trust.getAnchor('acme', ROOTS.acmeR2))?.state });
        },
      });
      await admin.proposeRoot(alice, 'acme', {
        pem: fixturePem('extra-roots/acme-root-r2.pem'),
        reason: 'r2',
      });
      const approved = await admin.approveRoot(bob, R2, { reason: 'fingerprint confirmed' }, anyVersion);
      expect(seen).toEqual([
        {
          root: { vendorId: 'acme', spkiSha256: approved.spkiSha256, subject: approved.subject },
          actor: 'bob',
          stored: 'active',
        },
      ]);
    });
  });

  describe('when settling the cases fails', () => {
    it('keeps the approval: the root is active and audited, and the failure is logged', async () => {
      const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { admin, trust, history } = await setup({
        settleByRoot: () => Promise.reject(new Error('case store unavailable')),
      });
      await admin.proposeRoot(alice, 'acme', {
        pem: fixturePem('extra-roots/acme-root-r2.pem'),
        reason: 'r2',
      });
      const approved = await admin.approveRoot(bob, R2, { reason: 'fingerprint confirmed' }, anyVersion);
      expect(approved).toMatchObject({ state: 'active', approvedBy: 'bob', version: 2 });
      expect((await trust.getAnchor('acme', ROOTS.acmeR2))?.state).toBe('active');
      expect(await history(ROOTS.acmeR2)).toEqual(['root.propose', 'root.approve']);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toContain('the approval stands');
    });
  });

  describe('when the approval is refused', () => {
    it('settles nothing', async () => {
      const settle = vi.fn(async () => {});
      const { admin } = await setup({ settleByRoot: settle });
      await admin.proposeRoot(alice, 'acme', {
        pem: fixturePem('extra-roots/acme-root-r2.pem'),
        reason: 'r2',
      });
      expect(await refusal(admin.approveRoot(alice, R2, { reason: 'mine' }, anyVersion))).toMatchObject({
        code: 'SELF_APPROVAL_FORBIDDEN',
      });
      expect(settle).not.toHaveBeenCalled();
    });
  });

  describe("when the caller's precondition refuses the version read", () => {
    it('writes nothing', async () => {
      const { admin, trust, history } = await setup({ settleByRoot: async () => {} });
      const stale = () => {
        throw new TrustgateError('PRECONDITION_FAILED', 'stale');
      };
      expect(
        await refusal(admin.retireRoot(alice, { sha256: ROOTS.acmeRsa }, { reason: 'x' }, stale)),
      ).toEqual({
        code: 'PRECONDITION_FAILED',
        detail: 'stale',
      });
      expect((await trust.getAnchor('acme', ROOTS.acmeRsa))?.state).toBe('active');
      expect(await history(ROOTS.acmeRsa)).toEqual(['anchor.import']);
    });
  });

  describe('when the root changed between the read and the write', () => {
    it('refuses with 412 PRECONDITION_FAILED and keeps the other change alone', async () => {
      // Reads answer the root as it was before another admin's distrust landed.
      let snapshot: Anchor[] = [];
      const { admin, trust, history } = await setup({ settleByRoot: async () => {} }, (trust) => ({
        ...trust,
        findAnchorsBySha256: async (sha256) =>
          snapshot.length ? snapshot : trust.findAnchorsBySha256(sha256),
      }));
      snapshot = await trust.findAnchorsBySha256(ROOTS.acmeRsa);
      await createTrustAdmin({
        trust,
        tokens: undefined,
        audit: undefined,
        subtle: globalThis.crypto.subtle,
        now: () => now,
        random: (bytes) => crypto.getRandomValues(bytes),
        cases: { settleByRoot: async () => {} },
      }).distrustRoot(
        bob,
        { sha256: ROOTS.acmeRsa },
        { after: '2025-01-01T00:00:00Z', reason: 'b' },
        anyVersion,
      );

      expect(
        await refusal(admin.retireRoot(alice, { sha256: ROOTS.acmeRsa }, { reason: 'a' }, anyVersion)),
      ).toEqual({
        code: 'PRECONDITION_FAILED',
        detail: 'the root changed while this request ran; read it again',
      });
      expect(await trust.getAnchor('acme', ROOTS.acmeRsa)).toMatchObject({ state: 'distrusted', version: 2 });
      expect(await history(ROOTS.acmeRsa)).toEqual(['anchor.import', 'root.distrust']);
    });
  });

  describe('when the deployment stores no tokens', () => {
    it('answers the token use cases with NOT_FOUND', async () => {
      const { trust } = await setup({ settleByRoot: async () => {} });
      const admin = createTrustAdmin({
        trust,
        tokens: undefined,
        audit: undefined,
        subtle: globalThis.crypto.subtle,
        now: () => now,
        random: (bytes) => crypto.getRandomValues(bytes),
        cases: { settleByRoot: async () => {} },
      });
      expect(await refusal(admin.listTokens())).toMatchObject({ code: 'NOT_FOUND' });
      expect(
        await refusal(admin.issueToken(alice, { name: 'carol', role: 'admin', reason: 'x' })),
      ).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(await refusal(admin.listAudit({ limit: 10 }))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
