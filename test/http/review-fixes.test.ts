import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrlRepository } from '../../src/db/crl-repository';
import { createEscalationRepository } from '../../src/db/escalation-repository';
import { vendors } from '../../src/db/schema';
import { isUniqueViolation } from '../../src/db/unique-violation';
import type { EscalationCase } from '../../src/escalation';
import type { CrlRecord } from '../../src/trust';
import { createAdminTestApp, fixturePem, problem } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

describe('isUniqueViolation', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  describe('when drizzle wraps a duplicate-key error from libSQL', () => {
    it('finds the constraint along the cause chain', async () => {
      const row = { id: 'acme', name: 'again', createdAt: 'x', updatedAt: 'x' };
      const error = await t.db
        .insert(vendors)
        .values(row)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).not.toBeNull();
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(new Error('Failed query: select 1'))).toBe(false);
    });
  });

  describe('when two verifications open the same escalation case at once', () => {
    it('lets the second insert lose quietly (it then joins the case) instead of failing /verify', async () => {
      const cases = createEscalationRepository(t.db);
      const base: EscalationCase = {
        id: 'esc_one',
        key: 'acme|spki|unknown-root',
        kind: 'unknown-root',
        state: 'open',
        vendorId: 'acme',
        top: { sha256: 'a'.repeat(64), spkiSha256: 'b'.repeat(64), subject: 'CN=x' },
        chain: [],
        verificationsBlocked: 1,
        firstSeen: '2026-06-01T00:00:00.000Z',
        lastSeen: '2026-06-01T00:00:00.000Z',
        artifactDigests: [],
        stepCount: 6,
        steps: [],
        resolution: null,
        openedAt: '2026-06-01T00:00:00.000Z',
        updatedAt: '2026-06-01T00:00:00.000Z',
      };
      expect(await cases.insert(base)).toBe(true);
      expect(await cases.insert({ ...base, id: 'esc_two' })).toBe(false);
    });
  });

  describe('when the same CRL is stored twice', () => {
    it('reports the second as already there', async () => {
      const crls = createCrlRepository(t.db);
      const record: CrlRecord = {
        id: `acme:${'ab'.repeat(32)}`,
        vendorId: 'acme',
        sha256: 'ab'.repeat(32),
        issuer: 'CN=x',
        issuerKey: '[["2.5.4.3=x"]]',
        der: Uint8Array.of(1),
        crlNumber: '01',
        deltaOf: null,
        thisUpdate: '2026-01-01T00:00:00.000Z',
        nextUpdate: null,
        entries: 0,
        source: 'upload',
        uploadedBy: 'alice',
        createdAt: '2026-06-01T00:00:00.000Z',
        state: 'active',
        retirement: null,
        version: 1,
      };
      const entry = {
        at: record.createdAt,
        actor: 'alice',
        action: 'crl.upload',
        targetType: 'crl' as const,
        targetId: record.sha256,
        vendorId: 'acme',
        reason: null,
        before: null,
        after: null,
      };
      expect(await crls.insertAudited(record, entry)).toBe(true);
      expect(await crls.insertAudited(record, entry)).toBe(false);
    });
  });
});

describe('the store version', () => {
  describe('when an admin distrusts a root', () => {
    it('moves in the same write, so cached trust-store reads see the change at once', async () => {
      const t = await createAdminTestApp();
      try {
        expect((await t.verify('rsa2048-sha256-detached-der-trusted')).body.verdict).toBe('trusted');
        const before = await t.trust.storeVersion();
        const anchors = await t.trust.listAnchors('acme');
        const rsa = anchors.find((a) => a.subject.includes('RSA'));
        if (!rsa) throw new Error('no acme RSA root');
        const res = await t.call('POST', `/roots/${rsa.sha256}/distrust`, {
          token: t.alice,
          body: { after: '2023-01-01T00:00:00Z', reason: 'compromised' },
        });
        expect(res.status).toBe(200);
        expect(await t.trust.storeVersion()).toBeGreaterThan(before);
        expect((await t.verify('rsa2048-sha256-detached-der-trusted')).body.verdict).toBe('rejected');
      } finally {
        t.close();
      }
    });
  });
});

describe('admin routes', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  describe('when an admin names a token like an actor the service writes itself', () => {
    it('refuses the name, so no token can pose as the seed, the verifier or the feed poller in the audit log', async () => {
      for (const name of ['verify', 'feed-poller', 'seed', 'Bootstrap-Admin']) {
        const res = await problem(
          await t.call('POST', '/admin/tokens', {
            token: t.alice,
            body: { name, role: 'admin', reason: 'test' },
          }),
        );
        expect(res).toMatchObject({ status: 409, body: { code: 'TOKEN_NAME_TAKEN' } });
      }
    });
  });

  describe('when an unauthenticated caller sends a body over 1 MiB', () => {
    it('is refused before anything reads it', async () => {
      const res = await problem(
        await t.call('POST', '/vendors', { body: JSON.stringify({ id: 'a'.repeat(2 * 1024 * 1024) }) }),
      );
      expect(res).toMatchObject({ status: 422, body: { code: 'PAYLOAD_TOO_LARGE' } });
    });
  });

  describe('when one admin hides behind a chain of 33 minted tokens', () => {
    it('still refuses the approval (regression: the lineage walk stopped at 32)', async () => {
      let maker = t.alice;
      for (let i = 1; i <= 33; i++) {
        const res = await t.call('POST', '/admin/tokens', {
          token: maker,
          body: { name: `a${i}`, role: 'admin', reason: 'test' },
        });
        expect(res.status).toBe(201);
        maker = ((await res.json()) as { token: string }).token;
      }
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: fixturePem('trust-store/globex/globex-root-p384.pem'), reason: 'rotation' },
      });
      const { sha256 } = (await proposed.json()) as { sha256: string };
      const approval = await problem(
        await t.call('POST', `/roots/${sha256}/approve?vendor=acme`, {
          token: maker,
          body: { reason: 'ok' },
        }),
      );
      expect(approval).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
    });
  });
});
