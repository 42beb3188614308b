import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { createTestApp } from '../helpers/test-app';
import { createAdminTestApp, problem, TEST_ADMIN_TOKEN } from '../trust/helpers/admin-client';

const GOOD = 'rsa2048-sha256-detached-der-trusted';

describe('authentication and roles', () => {
  let t: Awaited<ReturnType<typeof createAdminTestApp>>;
  let oncall: string;
  let verifier: string;
  beforeAll(async () => {
    t = await createAdminTestApp();
    oncall = (await t.createToken('olivia', 'oncall')).secret;
    verifier = (await t.createToken('ci', 'verifier')).secret;
  });
  afterAll(() => t.close());

  describe('when an admin route gets no token or a bad one', () => {
    it('answers 401 UNAUTHORIZED as problem+json', async () => {
      for (const token of [null, 'tg_not-a-token-that-exists-000000', 'short']) {
        const res = await problem(await t.call('GET', '/vendors', { token }));
        expect(res.status).toBe(401);
        expect(res.contentType).toContain('application/problem+json');
        expect(res.body.code).toBe('UNAUTHORIZED');
      }
      const basic = await t.call('GET', '/vendors', {
        headers: { authorization: `Basic ${TEST_ADMIN_TOKEN}` },
      });
      expect(basic.status).toBe(401);
    });
  });

  describe('when a token has the wrong role', () => {
    it('answers 403 FORBIDDEN', async () => {
      const read = await problem(await t.call('GET', '/vendors', { token: verifier }));
      expect(read).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      const write = await problem(
        await t.call('POST', '/vendors', { token: oncall, body: { id: 'initech', name: 'Initech' } }),
      );
      expect(write).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
      const audit = await problem(await t.call('GET', '/audit', { token: verifier }));
      expect(audit.status).toBe(403);
    });

    it('lets oncall read vendors, roots and the audit log', async () => {
      expect((await t.call('GET', '/vendors/acme', { token: oncall })).status).toBe(200);
      expect((await t.call('GET', '/vendors/acme/roots', { token: oncall })).status).toBe(200);
      expect((await t.call('GET', '/audit', { token: oncall })).status).toBe(200);
    });
  });

  describe('when /verify is open (REQUIRE_VERIFY_TOKEN unset)', () => {
    it('answers without a token', async () => {
      const res = await t.verify(GOOD);
      expect(res.status).toBe(200);
      expect(res.body.verdict).toBe('trusted');
    });
  });

  describe('when a caller asks /verify for another verification time', () => {
    it('refuses it without a token (401) and for a verifier (403)', async () => {
      const anonymous = await t.verify(GOOD, { time: '2035-01-01T00:00:00Z' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('UNAUTHORIZED');
      const asVerifier = await t.verify(GOOD, { time: '2035-01-01T00:00:00Z', token: verifier });
      expect(asVerifier.status).toBe(403);
      expect(asVerifier.body.code).toBe('FORBIDDEN');
    });

    it('verifies as of that time for an admin', async () => {
      const later = await t.verify(GOOD, { time: '2035-01-01T00:00:00Z', token: t.alice });
      expect(later.status).toBe(200);
      expect(later.body.verifiedAt).toBe('2035-01-01T00:00:00.000Z');
      expect(later.body.verdict).toBe('rejected');
      expect(later.body.reasons.map((r) => r.code)).toContain('CERT_EXPIRED');
    });

    it('reads time from multipart forms too', async () => {
      const c = cmsCase(GOOD);
      const form = new FormData();
      form.append('vendor', c.vendor);
      form.append('artifact', new Blob([readFixture(c.artifact)]), 'artifact.bin');
      form.append('signature', new Blob([readFixture(c.signature)]), 'signature.der');
      form.append('time', '2035-01-01T00:00:00Z');
      const anonymous = await t.app.request('/verify', { method: 'POST', body: form });
      expect(anonymous.status).toBe(401);
      const res = await t.app.request('/verify', {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${t.alice}` },
      });
      expect((await res.json()).verifiedAt).toBe('2035-01-01T00:00:00.000Z');
    });

    it('refuses a time that is not an ISO 8601 instant', async () => {
      const bad = await t.verify(GOOD, { time: 'next tuesday', token: t.alice });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_FIELD');
    });
  });

  describe('when GET /openapi.json is read', () => {
    it('documents the admin routes with bearer security', async () => {
      const doc = await (await t.call('GET', '/openapi.json')).json();
      for (const path of [
        '/admin/tokens',
        '/admin/tokens/{id}',
        '/vendors',
        '/vendors/{id}',
        '/vendors/{id}/roots',
        '/roots/{sha256}',
        '/roots/{sha256}/approve',
        '/roots/{sha256}/distrust',
        '/roots/{sha256}/retire',
        '/audit',
      ]) {
        expect(doc.paths[path], path).toBeDefined();
      }
      expect(doc.paths['/roots/{sha256}/approve'].post.security).toEqual([{ bearer: [] }]);
      expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    });
  });
});

describe('when REQUIRE_VERIFY_TOKEN=true', () => {
  let t: Awaited<ReturnType<typeof createAdminTestApp>>;
  beforeAll(async () => {
    t = await createAdminTestApp({ requireVerifyToken: true });
  });
  afterAll(() => t.close());

  it('refuses /verify without a token (401) and to an oncall token (403)', async () => {
    const none = await t.verify(GOOD);
    expect(none.status).toBe(401);
    const oncall = await t.createToken('olivia', 'oncall');
    const wrong = await t.verify(GOOD, { token: oncall.secret });
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('FORBIDDEN');
  });

  it('answers a verifier token and an admin token', async () => {
    const ci = await t.createToken('ci', 'verifier');
    expect((await t.verify(GOOD, { token: ci.secret })).body.verdict).toBe('trusted');
    expect((await t.verify(GOOD, { token: t.bob })).body.verdict).toBe('trusted');
  });
});

describe('when no ADMIN_TOKEN is configured', () => {
  it('accepts no bootstrap token', async () => {
    const bare = await createTestApp({ adminToken: undefined });
    const res = await bare.app.request('/vendors', {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(401);
    bare.close();
  });
});
