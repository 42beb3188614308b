import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, fixturePem, leafPem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const GLOBEX_ROOT = 'trust-store/globex/globex-root-p384.pem';
const ACME_LEAF = 'rsa2048-sha256-detached-der-trusted';
const colon = (hex: string) => (hex.toUpperCase().match(/.{2}/g) ?? []).join(':');

/** A multipart form post (a file upload), with the session's cookie and CSRF token. */
function postMultipart(t: App, client: ConsoleClient, path: string, fields: Record<string, string | Blob>) {
  const body = new FormData();
  body.set('_csrf', client.csrf);
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.set(name, value);
    else body.set(name, value, 'certificate.der');
  }
  return t.app.request(`http://localhost${path}`, {
    method: 'POST',
    headers: { cookie: client.cookie },
    body,
  });
}

const anchorsOf = async (t: App) =>
  (await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json()).roots as Array<{
    sha256: string;
    state: string;
  }>;

describe('console: propose a root', () => {
  let t: App;
  let alice: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    alice = await signInToConsole(t.app, t.alice);
  });
  afterAll(() => t.close());

  describe('when an admin pastes a CA certificate and asks for a preview', () => {
    it('shows it decoded with its fingerprints and no problem, and stores nothing', async () => {
      const before = await anchorsOf(t);
      await alice.get('/console/vendors/acme/propose');
      const res = await alice.post('/console/vendors/acme/propose', {
        action: 'preview',
        kind: 'root',
        pem: fixturePem(GLOBEX_ROOT),
      });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(colon(ROOTS.globexP384));
      expect(html).toContain('SPKI SHA-256');
      expect(html).toContain('SHA-1');
      expect(html).toContain('EC P-384');
      expect(html).toContain('No problem');
      expect(html).toContain('name="action" value="submit"');
      expect(await anchorsOf(t)).toEqual(before);
    });
  });

  describe('when the certificate is no CA', () => {
    it('lists the problem the service would refuse it for, and offers no submit', async () => {
      const res = await alice.post('/console/vendors/acme/propose', {
        action: 'preview',
        kind: 'root',
        pem: leafPem(ACME_LEAF),
      });
      const html = await res.text();
      expect(html).toContain('ROOT_NOT_CA');
      expect(html).toContain('The service would refuse this proposal');
      expect(html).not.toContain('name="action" value="submit"');
    });
  });

  describe('when the certificate is already on file for the vendor', () => {
    it('says so', async () => {
      const html = await (
        await alice.post('/console/vendors/acme/propose', {
          action: 'preview',
          kind: 'root',
          pem: fixturePem('trust-store/acme/acme-root-rsa.pem'),
        })
      ).text();
      expect(html).toContain('ROOT_DUPLICATE');
      expect(html).toContain('already has this certificate');
    });
  });

  describe('when more than one certificate is pasted', () => {
    it('refuses clearly', async () => {
      const html = await (
        await alice.post('/console/vendors/acme/propose', {
          action: 'preview',
          kind: 'root',
          pem: fixturePem(GLOBEX_ROOT) + fixturePem('trust-store/acme/acme-root-p256.pem'),
        })
      ).text();
      expect(html).toContain('pem must hold one certificate');
    });
  });

  describe('when a DER file is uploaded', () => {
    it('previews it as the pasted PEM would be', async () => {
      const pem = fixturePem(GLOBEX_ROOT);
      const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
      const der = Buffer.from(base64, 'base64');
      const res = await postMultipart(t, alice, '/console/vendors/acme/propose', {
        action: 'preview',
        kind: 'root',
        pem: '',
        file: new Blob([der]),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(colon(ROOTS.globexP384));
    });
  });

  describe('when the preview is submitted with a reason', () => {
    it('proposes it as POST /vendors/{id}/roots does and shows the new pending root', async () => {
      const submit = await alice.post('/console/vendors/acme/propose', {
        action: 'submit',
        kind: 'root',
        pem: fixturePem(GLOBEX_ROOT),
        reason: 'acme ships via globex CA',
      });
      expect(submit.status).toBe(303);
      const location = submit.headers.get('location') ?? '';
      expect(location).toBe(`/console/vendors/acme/roots/${ROOTS.globexP384}?done=proposed`);
      const page = await (await alice.get(location)).text();
      expect(page).toContain('Pending: it anchors nothing');
      expect(page).toContain('root.propose');
      expect(page).toContain('acme ships via globex CA');
      const stored = (await anchorsOf(t)).find((a) => a.sha256 === ROOTS.globexP384);
      expect(stored?.state).toBe('pending');
    });
  });

  describe('when the submit carries no reason', () => {
    it('is refused with INVALID_FIELD', async () => {
      const res = await alice.post('/console/vendors/acme/propose', {
        action: 'submit',
        kind: 'root',
        pem: fixturePem('trust-store/acme/acme-root-p256.pem'),
        reason: '  ',
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('INVALID_FIELD');
    });
  });

  describe('when a signing certificate is proposed as a pinned signer', () => {
    it('previews it without problems and submits it through the signer use case', async () => {
      const preview = await (
        await alice.post('/console/vendors/acme/propose', {
          action: 'preview',
          kind: 'signer',
          pem: leafPem(ACME_LEAF),
        })
      ).text();
      expect(preview).toContain('as a pinned signer of');
      expect(preview).toContain('No problem');
      const submit = await alice.post('/console/vendors/acme/propose', {
        action: 'submit',
        kind: 'signer',
        pem: leafPem(ACME_LEAF),
        reason: 'kernel module key, SEC-11',
      });
      expect(submit.status).toBe(303);
      expect(submit.headers.get('location')).toMatch(
        /^\/console\/vendors\/acme\/signers\/[0-9a-f]{64}\?done=proposed$/,
      );
      const signers = (await (await t.call('GET', '/vendors/acme/signers', { token: t.alice })).json())
        .signers;
      expect(signers).toContainEqual(expect.objectContaining({ state: 'pending', proposedBy: 'alice' }));
    });
  });
});
