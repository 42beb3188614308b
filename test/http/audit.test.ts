import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
  await t.call('POST', '/vendors/acme/roots', {
    token: t.alice,
    body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'rotation to R2, ticket SEC-7' },
  });
  await t.call('POST', `/roots/${ROOTS.acmeR2}/approve`, { token: t.bob, body: { reason: 'confirmed R2' } });
  await t.call('POST', `/roots/${ROOTS.globexP384}/retire`, {
    token: t.alice,
    body: { reason: 'globex gone' },
  });
});
afterAll(() => t.close());

type Entry = {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetId: string;
  vendorId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
};
const read = async (query: string, token = t.alice) =>
  (await (await t.call('GET', `/audit${query}`, { token })).json()) as {
    entries: Entry[];
    next: number | null;
  };

describe('GET /audit', () => {
  describe('when filtered by root', () => {
    it('lists who did what, why, when, and the state before and after', async () => {
      const { entries } = await read(`?root=${ROOTS.acmeR2}`);
      expect(entries.map((e) => ({ ...e, id: undefined }))).toEqual([
        {
          id: undefined,
          at: '2026-06-01T00:00:00.000Z',
          actor: 'alice',
          action: 'root.propose',
          targetType: 'anchor',
          targetId: ROOTS.acmeR2,
          vendorId: 'acme',
          reason: 'rotation to R2, ticket SEC-7',
          before: null,
          after: { state: 'pending', distrustAfter: null, keyCompromise: false },
        },
        {
          id: undefined,
          at: '2026-06-01T00:00:00.000Z',
          actor: 'bob',
          action: 'root.approve',
          targetType: 'anchor',
          targetId: ROOTS.acmeR2,
          vendorId: 'acme',
          reason: 'confirmed R2',
          before: { state: 'pending', distrustAfter: null, keyCompromise: false },
          after: { state: 'active', distrustAfter: null, keyCompromise: false },
        },
      ]);
    });
  });

  describe('when filtered by actor, vendor or time', () => {
    it('returns only the matching entries', async () => {
      expect((await read('?actor=bob')).entries.map((e) => e.action)).toEqual(['root.approve']);
      const globex = await read('?vendor=globex');
      expect(globex.entries.map((e) => e.action)).toEqual(['vendor.create', 'anchor.import', 'root.retire']);
      expect((await read('?since=2026-06-01T00:00:01Z')).entries).toEqual([]);
      expect((await read('?until=2026-05-31T23:59:59Z')).entries).toEqual([]);
      expect((await read('?since=2026-06-01T00:00:00Z&actor=seed')).entries.length).toBeGreaterThan(0);
    });

    it('refuses a malformed time with 400', async () => {
      expect((await t.call('GET', '/audit?since=yesterday', { token: t.alice })).status).toBe(400);
    });
  });

  describe('when the log is read in pages', () => {
    it('returns every entry once, in order', async () => {
      const all = (await read('?limit=1000')).entries.map((e) => e.id);
      const paged: number[] = [];
      let after: number | null = 0;
      while (after !== null) {
        const page = await read(`?limit=2&after=${after}`);
        paged.push(...page.entries.map((e) => e.id));
        after = page.next;
      }
      expect(paged).toEqual(all);
      expect([...all].sort((a, b) => a - b)).toEqual(all);
    });
  });

  describe('when someone tries to change the log', () => {
    it('has no route that edits or deletes entries', async () => {
      const { entries } = await read('?limit=1000');
      const id = entries[0]?.id;
      for (const [method, path] of [
        ['DELETE', '/audit'],
        ['DELETE', `/audit/${id}`],
        ['PATCH', `/audit/${id}`],
        ['PUT', `/audit/${id}`],
        ['POST', '/audit'],
      ] as const) {
        const res = await t.call(method, path, {
          token: t.alice,
          body: method === 'DELETE' ? undefined : {},
        });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
      expect((await read('?limit=1000')).entries).toEqual(entries);
    });
  });
});
