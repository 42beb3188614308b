import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const ROOT_PAGE = `/console/vendors/acme/roots/${ROOTS.acmeRsa}`;
const colon = (hex: string) => (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');
const versionOf = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

async function root(t: App, sha256: string) {
  const r = await (await t.call('GET', `/roots/${sha256}?vendor=acme`, { token: t.alice })).json();
  return {
    state: r.state as string,
    version: r.version as number,
    keyCompromise: r.keyCompromise as boolean,
  };
}

describe('console: vendors and their roots', () => {
  let t: App;
  let alice: ConsoleClient;
  let olive: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
    olive = await signInToConsole(t.app, (await t.createToken('olive', 'oncall')).secret);
  });
  afterAll(() => t.close());

  describe('when the vendors are listed', () => {
    it('shows each vendor with its roots counted by state', async () => {
      const html = await (await olive.get('/console/vendors')).text();
      expect(html).toContain('href="/console/vendors/acme"');
      expect(html).toContain('href="/console/vendors/globex"');
      expect(html).toContain('<th scope="col">Roots active</th>');
    });
  });

  describe('when a vendor is opened', () => {
    it('shows its roots in every state with fingerprints, validity and a link to each', async () => {
      const html = await (await alice.get('/console/vendors/acme')).text();
      expect(html).toContain(`href="${ROOT_PAGE}"`);
      expect(html).toContain(colon(ROOTS.acmeRsa));
      expect(html).toContain('badge state-active');
      expect(html).toContain('Pinned signers');
      expect(html).toContain('Revocation policy');
      expect(html).toContain('Propose a root');
    });

    it('offers no proposal to on-call, and refuses the proposal page with FORBIDDEN', async () => {
      expect(await (await olive.get('/console/vendors/acme')).text()).not.toContain('Propose a root');
      const res = await olive.get('/console/vendors/acme/propose');
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('FORBIDDEN');
    });

    it('answers NOT_FOUND for a vendor not on file', async () => {
      expect((await alice.get('/console/vendors/nobody')).status).toBe(404);
    });
  });

  describe('when a root is opened', () => {
    it('shows it in full: the three fingerprints, state, validity and its history', async () => {
      const html = await (await olive.get(ROOT_PAGE)).text();
      expect(html).toContain(colon(ROOTS.acmeRsa));
      expect(html).toContain('SHA-1');
      expect(html).toContain('SPKI SHA-256');
      expect(html).toContain('History');
      expect(html).not.toContain('/distrust"');
    });
  });

  describe('when an on-call engineer tries to distrust a root', () => {
    it('is refused with FORBIDDEN and the root stays as it was', async () => {
      const before = await root(t, ROOTS.acmeRsa);
      const res = await olive.post(`${ROOT_PAGE}/distrust`, {
        version: String(before.version),
        keyCompromise: 'true',
        reason: 'I think so',
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('FORBIDDEN');
      expect(await root(t, ROOTS.acmeRsa)).toEqual(before);
    });
  });

  describe('when a distrust or retirement has no reason', () => {
    it('is refused with INVALID_FIELD and nothing changes', async () => {
      const before = await root(t, ROOTS.acmeRsa);
      const version = versionOf(await (await alice.get(ROOT_PAGE)).text());
      const distrust = await alice.post(`${ROOT_PAGE}/distrust`, {
        version,
        after: '2026-05-01T00:00',
        reason: ' ',
      });
      expect(distrust.status).toBe(400);
      expect(await distrust.text()).toContain('INVALID_FIELD');
      const retire = await alice.post(`${ROOT_PAGE}/retire`, { version, reason: '' });
      expect(retire.status).toBe(400);
      expect(await root(t, ROOTS.acmeRsa)).toEqual(before);
    });
  });

  describe('when the page is stale', () => {
    it('refuses the retirement with PRECONDITION_FAILED', async () => {
      const before = await root(t, ROOTS.acmeRsa);
      const res = await alice.post(`${ROOT_PAGE}/retire`, {
        version: String(before.version + 5),
        reason: 'rotated',
      });
      expect(res.status).toBe(412);
      expect(await res.text()).toContain('PRECONDITION_FAILED');
      expect(await root(t, ROOTS.acmeRsa)).toEqual(before);
    });
  });

  describe('when an admin distrusts a root from a date, with a reason', () => {
    it('distrusts it and shows the audit entry in its history', async () => {
      const version = versionOf(await (await alice.get(ROOT_PAGE)).text());
      const res = await alice.post(`${ROOT_PAGE}/distrust`, {
        version,
        after: '2026-05-01T00:00',
        reason: 'Acme reported a mis-issuance, SEC-9',
      });
      expect(res.status).toBe(303);
      expect((await root(t, ROOTS.acmeRsa)).state).toBe('distrusted');
      const html = await (await alice.get(res.headers.get('location') ?? '')).text();
      expect(html).toContain('root.distrust');
      expect(html).toContain('Acme reported a mis-issuance, SEC-9');
      expect(html).toContain('2026-05-01 00:00:00 UTC');
    });
  });

  describe('when an admin retires a root with a reason', () => {
    it('retires it', async () => {
      const page = `/console/vendors/acme/roots/${ROOTS.acmeP256}`;
      const version = versionOf(await (await alice.get(page)).text());
      const res = await alice.post(`${page}/retire`, { version, reason: 'replaced by R2' });
      expect(res.status).toBe(303);
      expect((await root(t, ROOTS.acmeP256)).state).toBe('retired');
    });
  });
});

describe('console: validity', () => {
  describe('when a root has run out', () => {
    it('is marked expired on the vendor page', async () => {
      const t = await createAdminTestApp({ now: new Date('2080-01-01T00:00:00Z') });
      try {
        const alice = await signInToConsole(t.app, t.alice);
        const html = await (await alice.get('/console/vendors/acme')).text();
        expect(html).toContain('badge state-expired');
      } finally {
        t.close();
      }
    });
  });
});
