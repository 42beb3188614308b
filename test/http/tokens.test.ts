import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/db';
import { createAdminTestApp, problem, TEST_ADMIN_TOKEN } from '../trust/helpers/admin-client';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

describe('/admin/tokens', () => {
  describe('when the bootstrap admin creates a token', () => {
    it('returns the secret once and stores only its SHA-256', async () => {
      const res = await t.call('POST', '/admin/tokens', {
        token: TEST_ADMIN_TOKEN,
        body: { name: 'ci-pipeline', role: 'verifier', reason: 'CI pipeline, ticket OPS-1' },
      });
      expect(res.status).toBe(201);
      const created = await res.json();
      expect(created).toMatchObject({ name: 'ci-pipeline', role: 'verifier', createdBy: 'bootstrap-admin' });
      expect(created.token).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);

      const rows = await t.db.select().from(schema.tokens);
      const row = rows.find((r) => r.name === 'ci-pipeline');
      expect(row?.secretHash).toBe(createHash('sha256').update(created.token).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(created.token);

      const list = await (await t.call('GET', '/admin/tokens', { token: t.alice })).json();
      expect(list.tokens.map((x: { name: string }) => x.name)).toEqual(
        expect.arrayContaining(['alice', 'bob', 'ci-pipeline']),
      );
      expect(JSON.stringify(list)).not.toContain(created.token);
      expect(JSON.stringify(list)).not.toContain('secretHash');
    });

    it('lets the new admin token act, under its own name', async () => {
      const res = await t.call('GET', '/vendors', { token: t.alice });
      expect(res.status).toBe(200);
    });
  });

  describe('when a name is taken or reserved', () => {
    it('refuses with 409 TOKEN_NAME_TAKEN', async () => {
      for (const name of ['alice', 'bootstrap-admin', 'seed']) {
        const res = await t.call('POST', '/admin/tokens', {
          token: t.alice,
          body: { name, role: 'admin', reason: 'test' },
        });
        const p = await problem(res);
        expect(p.status).toBe(409);
        expect(p.body.code).toBe('TOKEN_NAME_TAKEN');
      }
    });
  });

  describe('when the request is malformed', () => {
    it('refuses an unknown role or a bad name with 400', async () => {
      const role = await problem(
        await t.call('POST', '/admin/tokens', {
          token: t.alice,
          body: { name: 'x1', role: 'root', reason: 'test' },
        }),
      );
      expect(role).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
      expect(role.contentType).toContain('application/problem+json');
      const name = await problem(
        await t.call('POST', '/admin/tokens', {
          token: t.alice,
          body: { name: 'has space', role: 'oncall', reason: 'test' },
        }),
      );
      expect(name.body.code).toBe('INVALID_FIELD');
    });

    it('refuses a token without a reason with 400: who was given access, and why, goes in the audit log', async () => {
      const res = await problem(
        await t.call('POST', '/admin/tokens', { token: t.alice, body: { name: 'no-why', role: 'admin' } }),
      );
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
      const list = await (await t.call('GET', '/admin/tokens', { token: t.alice })).json();
      expect(list.tokens.map((x: { name: string }) => x.name)).not.toContain('no-why');
    });
  });

  describe('when a token is revoked', () => {
    it('stops working at once and cannot be revoked twice', async () => {
      const carol = await t.createToken('carol', 'admin');
      expect((await t.call('GET', '/vendors', { token: carol.secret })).status).toBe(200);

      const res = await t.call('DELETE', `/admin/tokens/${carol.id}`, { token: t.alice });
      expect(res.status).toBe(200);
      expect((await res.json()).revokedAt).toBe('2026-06-01T00:00:00.000Z');

      const after = await problem(await t.call('GET', '/vendors', { token: carol.secret }));
      expect(after).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });

      const again = await problem(await t.call('DELETE', `/admin/tokens/${carol.id}`, { token: t.alice }));
      expect(again).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    });

    it('answers 404 for an unknown token id', async () => {
      const res = await problem(await t.call('DELETE', '/admin/tokens/tok_nothing', { token: t.alice }));
      expect(res).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    });

    it('writes creation and revocation to the audit log', async () => {
      const audit = await (await t.call('GET', '/audit?actor=alice', { token: t.bob })).json();
      const actions = audit.entries.map((e: { action: string }) => e.action);
      expect(actions).toContain('token.revoke');
    });
  });

  describe('when a non-admin token asks', () => {
    it('refuses oncall and verifier tokens with 403', async () => {
      const oncall = await t.createToken('olivia', 'oncall');
      const res = await problem(
        await t.call('POST', '/admin/tokens', {
          token: oncall.secret,
          body: { name: 'mine', role: 'admin', reason: 'test' },
        }),
      );
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });
  });
});
