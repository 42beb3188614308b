import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePem } from '../../src/verify';
import { signDetached } from '../helpers/cms-builder';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';
import { CODE_SIGNING, ext, type Issued, makeCert, makeLeaf, makeRoot } from '../verify/path/cert-factory';

/**
 * The admin API under the anchor policy of docs/policy.md: a root is a name and a key, so a CA carrying a
 * critical Netscape cert-type extension (as Debian's Secure Boot CA does) can be proposed, approved and
 * anchors; a self-signed certificate that is no CA is still refused as a root, with what to do instead.
 */

type App = Awaited<ReturnType<typeof createAdminTestApp>>;
const content = new TextEncoder().encode('efi binary, say');
const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

describe('a root carrying a critical Netscape cert-type extension', () => {
  let t: App;
  let root: Issued;
  let signature: Uint8Array;
  const verify = async () => {
    const res = await t.call('POST', '/verify', {
      body: {
        vendor: 'acme',
        artifact: Buffer.from(content).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      },
    });
    return (await res.json()) as {
      verdict: string;
      anchor: { sha256: string } | null;
      escalation: { id: string; checklist: Array<{ title: string; detail: string }> } | null;
    };
  };

  beforeAll(async () => {
    t = await createAdminTestApp();
    root = await makeRoot('Secure Boot CA (test)', {
      extensions: [
        ext.basicConstraints(true),
        ext.keyUsage('keyCertSign', 'cRLSign'),
        ext.netscapeCertType(),
      ],
    });
    const signer = await makeLeaf('Secure Boot Signer (test)', root, { serial: 77 });
    signature = await signDetached({
      content,
      signer,
      issuerCn: root.cn,
      serial: 77,
      certificates: [signer.der, root.der],
    });
  });
  afterAll(() => t.close());

  it('is an unknown root first, with the usual propose-and-approve checklist', async () => {
    const body = await verify();
    expect(body.verdict).toBe('unknown_root');
    const titles = body.escalation?.checklist.map((s) => s.title) ?? [];
    expect(titles).toContain('Propose the root and have a second admin approve it');
    expect(JSON.stringify(body.escalation)).not.toContain('cannot be approved');
  });

  it('can be proposed by one admin and approved by another, and then anchors the signature', async () => {
    const proposed = await t.call('POST', '/vendors/acme/roots', {
      token: t.alice,
      body: { pem: encodePem('CERTIFICATE', root.der), reason: 'secure boot CA confirmed by phone' },
    });
    expect(proposed.status).toBe(202);
    const approved = await t.call('POST', `/roots/${sha256(root.der)}/approve?vendor=acme`, {
      token: t.bob,
      body: { reason: 'fingerprint confirmed' },
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'active' });
    const body = await verify();
    expect(body.verdict).toBe('trusted');
    expect(body.anchor).toMatchObject({ sha256: sha256(root.der) });
  });
});

describe('a self-signed certificate that is not a CA, proposed as a root', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  it('is refused with 422 ROOT_NOT_CA, saying why and to pin the signer instead, changing nothing', async () => {
    const key = await makeCert({
      cn: 'Kernel Module Signing Key (test)',
      extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
    });
    const before = await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json();
    const res = await problem(
      await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: { pem: encodePem('CERTIFICATE', key.der), reason: 'kernel module key' },
      }),
    );
    expect(res).toMatchObject({ status: 422, body: { code: 'ROOT_NOT_CA' } });
    expect(res.body.detail).toContain('is not a CA certificate');
    expect(res.body.detail).toContain('POST /vendors/{id}/signers');
    expect(await (await t.call('GET', '/vendors/acme/roots', { token: t.alice })).json()).toEqual(before);
  });
});
