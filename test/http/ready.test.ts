import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../../src/bootstrap';
import { type Database, schema } from '../../src/db';
import { probeDatabase } from '../../src/db/readiness';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { createTestApp, PLAYBOOKS, testConfig } from '../helpers/test-app';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

/** The app as bootstrap assembles it over a libSQL database that was opened but never migrated. */
async function appOverUnmigrated(options: { ready?: () => boolean } = {}) {
  const client = createClient({ url: ':memory:' });
  const db = drizzle(client, { schema }) as unknown as Database;
  const { app } = bootstrap(testConfig(), {
    db,
    subtle: globalThis.crypto.subtle,
    now: () => new Date('2026-06-01T00:00:00Z'),
    playbooks: await readPlaybooks(PLAYBOOKS),
    ...options,
  });
  return { app, client };
}

describe('GET /ready', () => {
  describe('when the database answers, is migrated, the seed imported and the playbooks loaded', () => {
    it('answers 200 with every check ok', async () => {
      const res = await ctx.app.request('/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', seed: 'ok', playbooks: 'ok' },
      });
    });
  });

  describe('when the migrations were never applied', () => {
    it('answers 503 naming migrations, with Retry-After', async () => {
      const { app, client } = await appOverUnmigrated();
      try {
        const res = await app.request('/ready');
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toEqual({
          status: 'not_ready',
          checks: { database: 'ok', migrations: 'failing', seed: 'ok', playbooks: 'ok' },
          failing: ['migrations'],
        });
        // /health is the liveness check: the process serves.
        expect((await app.request('/health')).status).toBe(200);
      } finally {
        client.close();
      }
    });
  });

  describe('when only one table is missing (a migration not applied)', () => {
    it('reports migrations failing with the table named in the reasons', async () => {
      const client = createClient({ url: ':memory:' });
      try {
        const db = drizzle(client, { schema }) as unknown as Database;
        await client.execute('CREATE TABLE vendors (id text primary key)');
        const probe = await probeDatabase(db);
        expect(probe).toMatchObject({ database: 'ok', migrations: 'failing' });
        expect(probe.reasons.join()).toContain('console_sessions');
      } finally {
        client.close();
      }
    });
  });

  describe('when the trust store seed was not imported yet', () => {
    it('answers 503 naming the seed', async () => {
      const { app, client } = await appOverUnmigrated({ ready: () => false });
      try {
        const res = await app.request('/ready');
        expect(res.status).toBe(503);
        expect((await res.json()).failing).toEqual(['migrations', 'seed']);
      } finally {
        client.close();
      }
    });
  });

  describe('when the database is closed', () => {
    it('answers 503 naming the database (the migrations unchecked)', async () => {
      const closed = await createTestApp();
      closed.close();
      const res = await closed.app.request('/ready');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({
        status: 'not_ready',
        checks: { database: 'failing', migrations: 'unchecked', seed: 'ok', playbooks: 'ok' },
        failing: ['database'],
      });
    });
  });

  describe('when the database hangs', () => {
    it('gives up after the timeout and reports the database failing', async () => {
      const hung = { all: () => new Promise(() => undefined) } as unknown as Database;
      const started = Date.now();
      const probe = await probeDatabase(hung, 50);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(probe).toEqual({
        database: 'failing',
        migrations: 'unchecked',
        reasons: ['database: no answer within 50 ms'],
      });
    });
  });

  describe('in the OpenAPI document', () => {
    it('is described, with its 503', async () => {
      const doc = await (await ctx.app.request('/openapi.json')).json();
      expect(doc.paths['/ready'].get.description).toContain('readiness');
      expect(doc.paths['/ready'].get.responses).toHaveProperty('503');
    });
  });
});
