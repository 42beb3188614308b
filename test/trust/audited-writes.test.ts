import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditReader, createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { type AuditEntry, importSeed } from '../../src/trust';
import { FIXTURE_TRUST_STORE, MIGRATIONS } from '../helpers/test-app';
import { ROOTS } from './helpers/admin-client';

let opened: Awaited<ReturnType<typeof openLibsqlDatabase>>;
beforeAll(async () => {
  opened = await openLibsqlDatabase(':memory:', MIGRATIONS);
  await importSeed(
    createTrustRepository(opened.db),
    await readTrustStoreDir(FIXTURE_TRUST_STORE),
    new Date('2026-06-01T00:00:00Z'),
  );
});
afterAll(() => opened.close());

const entry = (reason: string): AuditEntry => ({
  at: '2026-06-02T00:00:00.000Z',
  actor: 'alice',
  action: 'root.retire',
  targetType: 'anchor',
  targetId: ROOTS.acmeRsa,
  vendorId: 'acme',
  reason,
  before: { state: 'active', distrustAfter: null },
  after: { state: 'retired', distrustAfter: null },
});

describe('updateAnchorAudited', () => {
  describe('when the expected version is stale', () => {
    it('writes neither the change nor the audit entry', async () => {
      const trust = createTrustRepository(opened.db);
      const anchor = await trust.getAnchor('acme', ROOTS.acmeRsa);
      if (!anchor) throw new Error('no root');
      const written = await trust.updateAnchorAudited(
        { ...anchor, state: 'retired', version: 8 },
        7,
        entry('stale'),
      );
      expect(written).toBe(false);
      expect((await trust.getAnchor('acme', ROOTS.acmeRsa))?.state).toBe('active');
      const audit = await createAuditReader(opened.db).list({ actor: 'alice', limit: 10 });
      expect(audit).toEqual([]);
    });
  });

  describe('when the expected version is current', () => {
    it('writes both, the entry readable with its JSON states', async () => {
      const trust = createTrustRepository(opened.db);
      const anchor = await trust.getAnchor('acme', ROOTS.acmeRsa);
      if (!anchor) throw new Error('no root');
      const written = await trust.updateAnchorAudited(
        { ...anchor, state: 'retired', version: 2 },
        1,
        entry('now'),
      );
      expect(written).toBe(true);
      expect((await trust.getAnchor('acme', ROOTS.acmeRsa))?.state).toBe('retired');
      const audit = await createAuditReader(opened.db).list({ actor: 'alice', limit: 10 });
      expect(audit.map(({ id: _, ...rest }) => rest)).toEqual([entry('now')]);
    });
  });
});
