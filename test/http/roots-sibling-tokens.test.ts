import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminTestApp, fixturePem, problem } from '../trust/helpers/admin-client';

describe('two-person approval of a root', () => {
  let t: Awaited<ReturnType<typeof createAdminTestApp>>;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  const mint = async (by: string, name: string) => {
    const res = await t.call('POST', '/admin/tokens', {
      token: by,
      body: { name, role: 'admin', reason: 'test' },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  describe('when one admin mints two admin tokens and uses one to propose, the other to approve', () => {
    it('refuses with 403 SELF_APPROVAL_FORBIDDEN and the root stays pending (regression: it became active)', async () => {
      const laptop = await mint(t.alice, 'alice-laptop');
      const phone = await mint(t.alice, 'alice-phone');
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: laptop,
        body: { pem: fixturePem('trust-store/globex/globex-root-p384.pem'), reason: 'rotation' },
      });
      expect(proposed.status).toBe(202);
      const { sha256 } = (await proposed.json()) as { sha256: string };
      const approval = await problem(
        await t.call('POST', `/roots/${sha256}/approve?vendor=acme`, {
          token: phone,
          body: { reason: 'ok' },
        }),
      );
      expect(approval).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
      const root = await (await t.call('GET', `/roots/${sha256}?vendor=acme`, { token: t.bob })).json();
      expect(root.state).toBe('pending');

      // Another person's admin token may approve it.
      const approved = await t.call('POST', `/roots/${sha256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'ok' },
      });
      expect(approved.status).toBe(200);
    });
  });
});
