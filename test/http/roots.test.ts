import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAdminTestApp,
  fixturePem,
  leafPem,
  problem,
  ROOTS,
  TEST_ADMIN_TOKEN,
} from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const codes = (body: { reasons: Array<{ code: string }> }) => body.reasons.map((r) => r.code);
const GLOBEX_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';
const ACME_RSA = 'rsa2048-sha256-detached-der-trusted';

async function snapshot(t: App) {
  const roots = await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json();
  const audit = await (await t.call('GET', '/audit?limit=1000', { token: t.alice })).json();
  return { roots, auditCount: audit.entries.length };
}

describe('roots: propose, approve', () => {
  let t: App;
  /** The unknown-root case the first verification opens: the proposed root completes its chain. */
  let openCase: string;
  const caseOf = async (id: string) =>
    (await (await t.call('GET', `/escalations/${id}`, { token: t.alice })).json()).case as {
      state: string;
      resolution: { outcome: string; actor: string } | null;
    };
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  describe('when an admin proposes a new root', () => {
    it('answers 202 with the root pending, and it anchors nothing yet', async () => {
      const unknown = await t.verify(GLOBEX_FOR_ACME, { vendor: 'acme' });
      expect(unknown.body.verdict).toBe('unknown_root');
      openCase = (unknown.body.escalation as { id: string }).id;
      const res = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: {
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
          reason: 'acme ships via globex CA',
        },
      });
      expect(res.status).toBe(202);
      expect(res.headers.get('etag')).toBe('"v1"');
      expect(await res.json()).toMatchObject({
        vendor: 'acme',
        sha256: ROOTS.globexP384,
        state: 'pending',
        proposedBy: 'alice',
        approvedBy: null,
        source: 'api',
      });
      expect((await t.verify(GLOBEX_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('unknown_root');
    });
  });

  describe('when the proposer approves their own root', () => {
    it('is refused with 403 SELF_APPROVAL_FORBIDDEN and the root stays pending', async () => {
      const res = await problem(
        await t.call('POST', `/roots/${ROOTS.globexP384}/approve?vendor=acme`, {
          token: t.alice,
          body: { reason: 'looks fine to me' },
        }),
      );
      expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
      const root = await (
        await t.call('GET', `/roots/${ROOTS.globexP384}?vendor=acme`, { token: t.bob })
      ).json();
      expect(root.state).toBe('pending');
      expect((await caseOf(openCase)).state).toBe('open');
    });
  });

  describe('when the same root is on file for two vendors', () => {
    it('asks which one with 409 ROOT_AMBIGUOUS', async () => {
      const res = await problem(await t.call('GET', `/roots/${ROOTS.globexP384}`, { token: t.bob }));
      expect(res).toMatchObject({ status: 409, body: { code: 'ROOT_AMBIGUOUS' } });
    });
  });

  describe('when a second admin approves it', () => {
    it('makes it active, resolves the open case it answers, and the chain is trusted', async () => {
      const res = await t.call('POST', `/roots/${ROOTS.globexP384}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'fingerprint confirmed by phone with Acme PSIRT' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"v2"');
      expect(await res.json()).toMatchObject({ state: 'active', proposedBy: 'alice', approvedBy: 'bob' });
      expect(await caseOf(openCase)).toMatchObject({
        state: 'resolved',
        resolution: { outcome: 'approved', actor: 'bob' },
      });
      const { body } = await t.verify(GLOBEX_FOR_ACME, { vendor: 'acme' });
      expect(body.verdict).toBe('trusted');
      expect(body.anchor).toMatchObject({ vendor: 'acme', sha256: ROOTS.globexP384 });
    });

    it('refuses a second approval with 409 INVALID_STATE', async () => {
      const res = await problem(
        await t.call('POST', `/roots/${ROOTS.globexP384}/approve?vendor=acme`, {
          token: t.bob,
          body: { reason: 'again' },
        }),
      );
      expect(res).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    });

    it('shows state, fingerprints and history on GET /roots/{sha256}', async () => {
      const res = await t.call('GET', `/roots/${ROOTS.globexP384}?vendor=acme`, { token: t.alice });
      expect(res.headers.get('etag')).toBe('"v2"');
      const root = await res.json();
      const der = Buffer.from(
        fixturePem('trust-store/globex/globex-root-p384.pem').replace(/-----[A-Z ]+-----|\s/g, ''),
        'base64',
      );
      expect(root.fingerprints).toEqual({
        sha256: ROOTS.globexP384,
        spkiSha256: root.spkiSha256,
        sha1: createHash('sha1').update(der).digest('hex'),
      });
      expect(root.history.map((h: { action: string; actor: string }) => [h.action, h.actor])).toEqual([
        ['root.propose', 'alice'],
        ['root.approve', 'bob'],
      ]);
      expect(root.history[1]).toMatchObject({
        reason: 'fingerprint confirmed by phone with Acme PSIRT',
        before: { state: 'pending' },
        after: { state: 'active' },
      });
      expect(root.pem).toContain('-----BEGIN CERTIFICATE-----');
    });
  });

  describe('when a proposal is bad input', () => {
    const propose = (pem: string) =>
      t.call('POST', '/vendors/acme/roots', { token: t.alice, body: { pem, reason: 'test' } });

    it('refuses text that is not a certificate with 422 INVALID_CERTIFICATE, changing nothing', async () => {
      const before = await snapshot(t);
      for (const pem of [
        'hello',
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        fixturePem('cases/rsa2048-sha256-detached-pem-trusted/signature.pem'),
      ]) {
        const res = await problem(await propose(pem));
        expect(res.status).toBe(422);
        expect(res.contentType).toContain('application/problem+json');
        expect(res.body.code).toBe('INVALID_CERTIFICATE');
      }
      expect(await snapshot(t)).toEqual(before);
    });

    it('refuses a leaf (signer) certificate with 422 ROOT_NOT_CA, changing nothing', async () => {
      const before = await snapshot(t);
      const res = await problem(await propose(leafPem(ACME_RSA)));
      expect(res).toMatchObject({ status: 422, body: { code: 'ROOT_NOT_CA' } });
      expect(await snapshot(t)).toEqual(before);
    });

    it('refuses a root the vendor already has with 409 ROOT_DUPLICATE, changing nothing', async () => {
      const before = await snapshot(t);
      const res = await problem(await propose(fixturePem('trust-store/acme/acme-root-rsa.pem')));
      expect(res).toMatchObject({ status: 409, body: { code: 'ROOT_DUPLICATE' } });
      expect(await snapshot(t)).toEqual(before);
    });

    it('refuses a missing reason with 400', async () => {
      const res = await problem(
        await t.call('POST', '/vendors/acme/roots', {
          token: t.alice,
          body: { pem: fixturePem('extra-roots/acme-root-r2.pem') },
        }),
      );
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });

    it('refuses a proposal from an oncall token with 403', async () => {
      const oncall = await t.createToken('olivia', 'oncall');
      const res = await problem(
        await t.call('POST', '/vendors/acme/roots', {
          token: oncall.secret,
          body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'x' },
        }),
      );
      expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    });
  });
});

describe('roots: an expired root', () => {
  it('is refused with 422 ROOT_EXPIRED, changing nothing', async () => {
    const t = await createAdminTestApp({ now: new Date('2034-06-01T00:00:00Z') });
    const before = await snapshot(t);
    const res = await problem(
      await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'late' },
      }),
    );
    expect(res).toMatchObject({ status: 422, body: { code: 'ROOT_EXPIRED' } });
    expect(await snapshot(t)).toEqual(before);
    t.close();
  });
});

describe('roots: distrust', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  const distrust = (after: string, token: string, headers: Record<string, string> = {}) =>
    t.call('POST', `/roots/${ROOTS.acmeRsa}/distrust`, {
      token,
      headers,
      body: { after, reason: 'key compromise reported by the vendor' },
    });

  // The fixture signers' notBefore is 2024-01-01T00:00:00Z; the clock is pinned at 2026-06-01.
  describe('when `after` is later than the signer notBefore', () => {
    it('keeps trusting the signature, by one admin at once', async () => {
      const res = await distrust('2024-01-01T00:00:01Z', t.alice);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        state: 'distrusted',
        distrustAfter: '2024-01-01T00:00:01.000Z',
      });
      const { body } = await t.verify(ACME_RSA);
      expect(body.verdict).toBe('trusted');
      expect(body.anchor).toMatchObject({ sha256: ROOTS.acmeRsa });
    });
  });

  describe('when `after` equals the signer notBefore', () => {
    it('rejects the signature with ANCHOR_DISTRUSTED', async () => {
      const res = await distrust('2024-01-01T00:00:00Z', t.bob);
      expect(res.status).toBe(200);
      const { body } = await t.verify(ACME_RSA);
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toContain('ANCHOR_DISTRUSTED');
    });
  });

  describe('when `after` is earlier than the signer notBefore', () => {
    it('rejects the signature with ANCHOR_DISTRUSTED', async () => {
      expect((await distrust('2023-06-01T00:00:00Z', t.alice)).status).toBe(200);
      const { body } = await t.verify(ACME_RSA);
      expect(body.verdict).toBe('rejected');
      expect(codes(body)).toContain('ANCHOR_DISTRUSTED');
    });
  });

  describe('when an admin moves the date later again', () => {
    it('is refused with 409 INVALID_STATE: that would give trust back', async () => {
      const res = await problem(await distrust('2025-01-01T00:00:00Z', t.bob));
      expect(res).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
      expect((await t.verify(ACME_RSA)).body.verdict).toBe('rejected');
    });
  });

  describe('when the date is not an instant', () => {
    it('is refused with 400', async () => {
      const res = await problem(await distrust('soon', t.bob));
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });
  });

  describe('when a pending root is distrusted', () => {
    it('is refused with 409 (distrusted would anchor older signatures; retire it instead)', async () => {
      await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'rotation' },
      });
      const res = await problem(
        await t.call('POST', `/roots/${ROOTS.acmeR2}/distrust`, {
          token: t.bob,
          body: { after: '2030-01-01T00:00:00Z', reason: 'x' },
        }),
      );
      expect(res).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    });
  });
});

describe('roots: retire, and refused races', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  describe('when two admins act on the same version of a root', () => {
    it('applies the first and refuses the stale If-Match with 412, changing nothing', async () => {
      const etag = (await t.call('GET', `/roots/${ROOTS.acmeP256}`, { token: t.alice })).headers.get(
        'etag',
      ) as string;
      expect(etag).toBe('"v1"');
      const first = await t.call('POST', `/roots/${ROOTS.acmeP256}/distrust`, {
        token: t.alice,
        headers: { 'if-match': etag },
        body: { after: '2025-01-01T00:00:00Z', reason: 'suspected compromise' },
      });
      expect(first.status).toBe(200);
      const second = await problem(
        await t.call('POST', `/roots/${ROOTS.acmeP256}/retire`, {
          token: t.bob,
          headers: { 'if-match': etag },
          body: { reason: 'retire instead' },
        }),
      );
      expect(second).toMatchObject({ status: 412, body: { code: 'PRECONDITION_FAILED' } });
      const root = await (await t.call('GET', `/roots/${ROOTS.acmeP256}`, { token: t.alice })).json();
      expect(root).toMatchObject({ state: 'distrusted', version: 2 });
    });
  });

  describe('when an admin retires a root', () => {
    it('anchors nothing at once, and cannot be retired twice', async () => {
      expect((await t.verify(ACME_RSA)).body.verdict).toBe('trusted');
      const res = await t.call('POST', `/roots/${ROOTS.acmeRsa}/retire`, {
        token: t.bob,
        headers: { 'if-match': '"v1"' },
        body: { reason: 'superseded by R2' },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).state).toBe('retired');
      const { body } = await t.verify(ACME_RSA);
      expect(body.verdict).toBe('unknown_root');
      expect(body.anchor).toBeNull();

      const again = await problem(
        await t.call('POST', `/roots/${ROOTS.acmeRsa}/retire`, { token: t.bob, body: { reason: 'again' } }),
      );
      expect(again).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
      const distrust = await problem(
        await t.call('POST', `/roots/${ROOTS.acmeRsa}/distrust`, {
          token: t.bob,
          body: { after: '2030-01-01T00:00:00Z', reason: 'x' },
        }),
      );
      expect(distrust.status).toBe(409);
    });
  });

  describe('when a root is unknown or the fingerprint malformed', () => {
    it('answers 404 and 400', async () => {
      expect(
        (await problem(await t.call('GET', `/roots/${'0'.repeat(64)}`, { token: t.alice }))).status,
      ).toBe(404);
      expect((await problem(await t.call('GET', '/roots/xyz', { token: t.alice }))).body.code).toBe(
        'INVALID_FIELD',
      );
    });

    it('accepts colon-separated upper-case fingerprints', async () => {
      const colons = ROOTS.globexP384.toUpperCase().match(/../g)?.join(':') as string;
      const res = await t.call('GET', `/roots/${colons}`, { token: t.alice });
      expect(res.status).toBe(200);
      expect((await res.json()).vendor).toBe('globex');
    });
  });
});

describe('roots: concurrent proposals of the same root', () => {
  it('stores one and refuses the other with 409 ROOT_DUPLICATE, never a 500', async () => {
    const t = await createAdminTestApp();
    const propose = (token: string) =>
      t.call('POST', '/vendors/acme/roots', {
        token,
        body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'race' },
      });
    const statuses = (await Promise.all([propose(t.alice), propose(t.bob), propose(t.alice)])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).toEqual([202, 409, 409]);
    t.close();
  });
});

describe('roots: concurrent state changes from the same version', () => {
  it('applies exactly one, and the audit log holds exactly that one', async () => {
    const t = await createAdminTestApp();
    const act = (path: string, token: string, body: object) =>
      t.call('POST', `/roots/${ROOTS.acmeRsa}/${path}`, { token, headers: { 'if-match': '"v1"' }, body });
    const results = await Promise.all([
      act('distrust', t.alice, { after: '2025-01-01T00:00:00Z', reason: 'a' }),
      act('retire', t.bob, { reason: 'b' }),
      act('distrust', t.bob, { after: '2024-06-01T00:00:00Z', reason: 'c' }),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(2);
    const root = await (await t.call('GET', `/roots/${ROOTS.acmeRsa}`, { token: t.alice })).json();
    const changes = root.history.filter((h: { actor: string }) => h.actor !== 'seed');
    expect(changes).toHaveLength(1);
    expect(changes[0].after.state).toBe(root.state);
    expect(root.version).toBe(2);
    t.close();
  });
});

describe('roots: approval by a token the proposer made', () => {
  it('is refused with 403 SELF_APPROVAL_FORBIDDEN, directly or through tokens in between', async () => {
    const t = await createAdminTestApp();
    // alice mints a second admin token for herself, and that one mints a third.
    const alice2 = await t.call('POST', '/admin/tokens', {
      token: t.alice,
      body: { name: 'alice2', role: 'admin', reason: 'test' },
    });
    const alice2Secret = (await alice2.json()).token as string;
    const alice3 = await t.call('POST', '/admin/tokens', {
      token: alice2Secret,
      body: { name: 'alice3', role: 'admin', reason: 'test' },
    });
    const alice3Secret = (await alice3.json()).token as string;
    await t.call('POST', '/vendors/acme/roots', {
      token: t.alice,
      body: { pem: fixturePem('extra-roots/acme-root-r2.pem'), reason: 'rotation' },
    });
    const approve = (token: string) =>
      t.call('POST', `/roots/${ROOTS.acmeR2}/approve`, { token, body: { reason: 'ok' } });
    for (const token of [alice2Secret, alice3Secret, TEST_ADMIN_TOKEN]) {
      const res = await problem(await approve(token));
      expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
    }
    expect((await approve(t.bob)).status).toBe(200);
    t.close();
  });
});
