import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
beforeAll(async () => {
  t = await createAdminTestApp();
});
afterAll(() => t.close());

const initech = {
  id: 'initech',
  name: 'Initech',
  contacts: [{ name: 'Initech PSIRT', channel: 'email', value: 'psirt@initech.example' }],
  reason: 'onboarding ticket SEC-1',
};

describe('/vendors', () => {
  describe('when an admin creates a vendor', () => {
    it('answers 201 with an ETag and lists it', async () => {
      const res = await t.call('POST', '/vendors', { token: t.alice, body: initech });
      expect(res.status).toBe(201);
      expect(res.headers.get('etag')).toBe('"v1"');
      expect(await res.json()).toMatchObject({
        id: 'initech',
        name: 'Initech',
        contacts: [],
        identityRules: [],
        version: 1,
        // contacts take a second admin, from the start too
        pendingChange: { state: 'pending', changes: { contacts: initech.contacts }, proposedBy: 'alice' },
      });
      const list = await (await t.call('GET', '/vendors', { token: t.bob })).json();
      expect(list.vendors.map((v: { id: string }) => v.id)).toEqual(['acme', 'globex', 'initech']);
    });

    it('refuses the same id again with 409 VENDOR_EXISTS', async () => {
      const res = await problem(await t.call('POST', '/vendors', { token: t.alice, body: initech }));
      expect(res).toMatchObject({ status: 409, body: { code: 'VENDOR_EXISTS' } });
    });

    it('refuses an id that is not a vendor id with 400', async () => {
      const res = await problem(
        await t.call('POST', '/vendors', { token: t.alice, body: { id: '../Etc', name: 'x' } }),
      );
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });
  });

  describe('when a vendor is read', () => {
    it('answers with its ETag, and 404 for an unknown vendor', async () => {
      const res = await t.call('GET', '/vendors/initech', { token: t.alice });
      expect(res.headers.get('etag')).toBe('"v1"');
      expect((await res.json()).contacts).toEqual([]);
      expect((await problem(await t.call('GET', '/vendors/nobody', { token: t.alice }))).status).toBe(404);
    });
  });

  describe('when an admin creates a vendor with contacts but no reason', () => {
    it('refuses with 400 INVALID_FIELD and creates nothing', async () => {
      const res = await problem(
        await t.call('POST', '/vendors', {
          token: t.alice,
          body: { id: 'hooli', name: 'Hooli', contacts: initech.contacts },
        }),
      );
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
      expect((await t.call('GET', '/vendors/hooli', { token: t.alice })).status).toBe(404);
    });
  });

  describe('when two admins change a vendor from the same version', () => {
    it('applies the first and refuses the stale second with 412, changing nothing', async () => {
      const etag = (await t.call('GET', '/vendors/initech', { token: t.alice })).headers.get(
        'etag',
      ) as string;
      const first = await t.call('PATCH', '/vendors/initech', {
        token: t.alice,
        headers: { 'if-match': etag },
        body: { name: 'Initech Inc', reason: 'legal name' },
      });
      expect(first.status).toBe(200);
      expect(first.headers.get('etag')).toBe('"v2"');

      const second = await problem(
        await t.call('PATCH', '/vendors/initech', {
          token: t.bob,
          headers: { 'if-match': etag },
          body: { name: 'Initech LLC' },
        }),
      );
      expect(second).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED' } });
      const now = await (await t.call('GET', '/vendors/initech', { token: t.alice })).json();
      expect(now).toMatchObject({ name: 'Initech Inc', version: 2 });
    });

    it('refuses a PATCH without If-Match with 428', async () => {
      const res = await problem(
        await t.call('PATCH', '/vendors/initech', { token: t.alice, body: { name: 'Blind write' } }),
      );
      expect(res).toMatchObject({ status: 428, body: { code: 'PRECONDITION_REQUIRED' } });
    });

    it('audits the change with who, why and the state before and after', async () => {
      const audit = await (await t.call('GET', '/audit?vendor=initech', { token: t.bob })).json();
      const update = audit.entries.find((e: { action: string }) => e.action === 'vendor.update');
      expect(update).toMatchObject({
        actor: 'alice',
        targetType: 'vendor',
        targetId: 'initech',
        reason: 'legal name',
        before: { name: 'Initech' },
        after: { name: 'Initech Inc' },
      });
    });
  });

  describe('when identity rules are malformed', () => {
    it('refuses them with 400 and keeps the vendor as it was', async () => {
      const etag = (await t.call('GET', '/vendors/initech', { token: t.alice })).headers.get(
        'etag',
      ) as string;
      for (const rule of [
        { field: 'subject.O', equals: 'A', pattern: 'B' },
        { field: 'subject.O' },
        { field: 'issuer.O', equals: 'A' },
        { field: 'subject.O', regex: '.*' },
      ]) {
        const res = await problem(
          await t.call('PATCH', '/vendors/initech', {
            token: t.alice,
            headers: { 'if-match': etag },
            body: { identityRules: [rule] },
          }),
        );
        expect(res.status, JSON.stringify(rule)).toBe(400);
        expect(res.body.code).toBe('INVALID_FIELD');
      }
      const now = await (await t.call('GET', '/vendors/initech', { token: t.alice })).json();
      expect(now).toMatchObject({ identityRules: [], version: 2 });
    });
  });
});
