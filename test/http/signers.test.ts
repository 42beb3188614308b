import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/verify/certificate';
import { encodePem } from '../../src/verify/pem';
import { signDetached } from '../helpers/cms-builder';
import { createAdminTestApp, fixturePem, problem, ROOTS } from '../trust/helpers/admin-client';
import { ext, type Issued, makeCert } from '../verify/path/cert-factory';

/**
 * Pinned signers through the admin API (issue 17 item 4): a self-signed kernel-module style key is
 * proposed by one admin, approved by another, distrusted or retired by one, every step audited; a
 * signature that carries no certificate is matched to the pin by its signer identifier.
 */

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const content = new TextEncoder().encode('kernel module 6.1 foo.ko');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const sha256Of = (der: Uint8Array) => (parseCertificate(der) as { sha256Hex: string }).sha256Hex;

const moduleKey = (
  cn: string,
  serial: number,
  extensions = [ext.basicConstraints(false), ext.keyUsage('digitalSignature')],
) => makeCert({ cn, serial, extensions });

async function signatureBy(key: Issued, serial: number, carried: boolean): Promise<Uint8Array> {
  return signDetached({
    content,
    signer: key,
    issuerCn: key.cn,
    serial,
    certificates: carried ? [key.der] : [],
  });
}

describe('pinned signers over HTTP', () => {
  let t: App;
  let key: Issued;
  let sha: string;
  let bare: Uint8Array;
  let carried: Uint8Array;
  const verify = async (signature: Uint8Array) => {
    const res = await t.call('POST', '/verify', {
      body: { vendor: 'acme', artifact: b64(content), signature: b64(signature) },
    });
    return (await res.json()) as {
      verdict: string;
      reasons: Array<{ code: string }>;
      anchor: { vendor: string; sha256: string; subject: string; kind: string } | null;
    };
  };
  const audit = async (target: string) =>
    (
      (await (await t.call('GET', `/audit?root=${target}&limit=100`, { token: t.alice })).json()) as {
        entries: Array<{ action: string; actor: string; targetType: string }>;
      }
    ).entries;

  beforeAll(async () => {
    t = await createAdminTestApp();
    key = await moduleKey('Acme Module Signing Key', 4711);
    sha = sha256Of(key.der);
    bare = await signatureBy(key, 4711, false);
    carried = await signatureBy(key, 4711, true);
  });
  afterAll(() => t.close());

  it('before any pin: a bare kernel-module signature has no signer certificate, a carried one an unknown root', async () => {
    expect((await verify(bare)).reasons.map((r) => r.code)).toEqual(['SIGNER_CERT_NOT_FOUND']);
    expect((await verify(carried)).verdict).toBe('unknown_root');
  });

  it('admin A proposes: 202, pending, kind signer, and it vouches for nothing yet', async () => {
    const res = await t.call('POST', '/vendors/acme/signers', {
      token: t.alice,
      body: { pem: encodePem('CERTIFICATE', key.der), reason: 'acme kernel module key, ticket SEC-17' },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      vendor: 'acme',
      sha256: sha,
      kind: 'signer',
      state: 'pending',
      proposedBy: 'alice',
      approvedBy: null,
    });
    expect((await verify(bare)).verdict).not.toBe('trusted');
    expect((await verify(carried)).verdict).not.toBe('trusted');
  });

  it('the proposer approving their own signer is refused (403 SELF_APPROVAL_FORBIDDEN)', async () => {
    const res = await problem(
      await t.call('POST', `/signers/${sha}/approve`, { token: t.alice, body: { reason: 'mine' } }),
    );
    expect(res).toMatchObject({ status: 403, body: { code: 'SELF_APPROVAL_FORBIDDEN' } });
  });

  it('a signer is not acted on through the root routes, nor listed among the roots', async () => {
    const res = await problem(
      await t.call('POST', `/roots/${sha}/approve`, { token: t.bob, body: { reason: 'wrong route' } }),
    );
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain(`/signers/${sha}`);
    const roots = await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json();
    expect(roots.roots.map((r: { sha256: string }) => r.sha256)).not.toContain(sha);
    expect(roots.roots.every((r: { kind: string }) => r.kind === 'root')).toBe(true);
  });

  it('admin B approves: both signatures are trusted, the verdict naming the pin as kind signer', async () => {
    const res = await t.call('POST', `/signers/${sha}/approve`, {
      token: t.bob,
      body: { reason: 'confirmed by phone' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ state: 'active', approvedBy: 'bob', kind: 'signer' });
    for (const signature of [bare, carried]) {
      const verdict = await verify(signature);
      expect(verdict.verdict).toBe('trusted');
      expect(verdict.anchor).toEqual({
        vendor: 'acme',
        sha256: sha,
        subject: 'CN=Acme Module Signing Key',
        kind: 'signer',
      });
    }
    const signers = await (await t.call('GET', '/vendors/acme/signers', { token: t.alice })).json();
    expect(signers.signers.map((s: { sha256: string }) => s.sha256)).toEqual([sha]);
    const detail = await (await t.call('GET', `/signers/${sha}`, { token: t.alice })).json();
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual([
      'signer.propose',
      'signer.approve',
    ]);
  });

  it('a root verdict says kind root', async () => {
    const trusted = await t.verify('rsa2048-sha256-detached-der-trusted');
    expect(trusted.body.anchor).toMatchObject({ vendor: 'acme', sha256: ROOTS.acmeRsa, kind: 'root' });
  });

  it('refuses to pin a certificate whose extKeyUsage excludes code signing (422), a CA-only root (422), or one already on file (409)', async () => {
    const tls = await moduleKey('TLS Key', 5, [
      ext.keyUsage('digitalSignature'),
      ext.extKeyUsage('1.3.6.1.5.5.7.3.1'),
    ]);
    const refused = await problem(
      await t.call('POST', '/vendors/acme/signers', {
        token: t.alice,
        body: { pem: encodePem('CERTIFICATE', tls.der), reason: 'try' },
      }),
    );
    expect(refused).toMatchObject({ status: 422, body: { code: 'INVALID_CERTIFICATE' } });
    // A root whose keyUsage allows certificate signing only would sign nothing as a signer.
    const root = await problem(
      await t.call('POST', '/vendors/acme/signers', {
        token: t.alice,
        body: { pem: fixturePem('trust-store/acme/acme-root-rsa.pem'), reason: 'try' },
      }),
    );
    expect(root).toMatchObject({ status: 422, body: { code: 'INVALID_CERTIFICATE' } });
    const again = await problem(
      await t.call('POST', '/vendors/acme/signers', {
        token: t.bob,
        body: { pem: encodePem('CERTIFICATE', key.der), reason: 'again' },
      }),
    );
    expect(again).toMatchObject({ status: 409, body: { code: 'ROOT_DUPLICATE' } });
  });

  it('one admin distrusts it after a date: signatures by a certificate issued since are refused, audited', async () => {
    const res = await t.call('POST', `/signers/${sha}/distrust`, {
      token: t.alice,
      body: { after: '2023-06-01T00:00:00Z', reason: 'key rotated' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: 'distrusted',
      distrustAfter: '2023-06-01T00:00:00.000Z',
    });
    const verdict = await verify(bare);
    expect(verdict.verdict).toBe('rejected');
    expect(verdict.reasons.map((r) => r.code)).toContain('ANCHOR_DISTRUSTED');
    expect((await audit(sha)).map((e) => e.action)).toEqual([
      'signer.propose',
      'signer.approve',
      'signer.distrust',
    ]);
  });

  it('retiring a pinned signer: it vouches for nothing from then on, audited', async () => {
    const other = await moduleKey('Acme Firmware Key', 815);
    const otherSha = sha256Of(other.der);
    const signature = await signatureBy(other, 815, false);
    await t.call('POST', '/vendors/acme/signers', {
      token: t.alice,
      body: { pem: encodePem('CERTIFICATE', other.der), reason: 'firmware key' },
    });
    await t.call('POST', `/signers/${otherSha}/approve`, { token: t.bob, body: { reason: 'ok' } });
    expect((await verify(signature)).verdict).toBe('trusted');
    const res = await t.call('POST', `/signers/${otherSha}/retire`, {
      token: t.alice,
      body: { reason: 'gone' },
    });
    expect(res.status).toBe(200);
    expect((await verify(signature)).verdict).not.toBe('trusted');
    expect((await audit(otherSha)).map((e) => e.action)).toEqual([
      'signer.propose',
      'signer.approve',
      'signer.retire',
    ]);
  });

  it('a root is not acted on through the signer routes', async () => {
    const res = await problem(
      await t.call('POST', `/signers/${ROOTS.acmeRsa}/retire?vendor=acme`, {
        token: t.alice,
        body: { reason: 'no' },
      }),
    );
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain(`/roots/${ROOTS.acmeRsa}`);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    for (const path of [
      '/vendors/{id}/signers',
      '/signers/{sha256}',
      '/signers/{sha256}/approve',
      '/signers/{sha256}/distrust',
      '/signers/{sha256}/retire',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
