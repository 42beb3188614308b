import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/db';
import { bytesToBase64 } from '../../src/encoding';
import { parseCertificate } from '../../src/verify/certificate';
import { encodePem } from '../../src/verify/pem';
import { signDetached } from '../helpers/cms-builder';
import { ext, type Issued, makeCert } from '../verify/path/cert-factory';
import { call, createAdmin, postVerify, testDatabase } from './helpers';

/** Pinned signers at the edge: the kind column in D1 (migration 0005) and the /signers routes in workerd. */

const content = new TextEncoder().encode('edge firmware 2.0');

let carol: string;
let dave: string;
let key: Issued;
let sha: string;
let bare: Uint8Array;

const verify = async () =>
  (await (
    await postVerify({ vendor: 'acme', artifact: bytesToBase64(content), signature: bytesToBase64(bare) })
  ).json()) as { verdict: string; anchor: { kind: string; sha256: string } | null };

beforeAll(async () => {
  expect((await call('GET', '/health')).status).toBe(200);
  carol = await createAdmin('carol');
  dave = await createAdmin('dave');
  key = await makeCert({
    cn: 'Edge Module Key',
    serial: 5150,
    extensions: [ext.basicConstraints(false), ext.keyUsage('digitalSignature')],
  });
  sha = (parseCertificate(key.der) as { sha256Hex: string }).sha256Hex;
  bare = await signDetached({ content, signer: key, issuerCn: key.cn, serial: 5150, certificates: [] });
});

describe('a pinned signer in workerd with D1', () => {
  it('is proposed by one admin, approved by another, stored as kind signer, and then vouches for a bare signature', async () => {
    expect((await verify()).verdict).not.toBe('trusted');
    const proposed = await call('POST', '/vendors/acme/signers', {
      token: carol,
      body: { pem: encodePem('CERTIFICATE', key.der), reason: 'edge test' },
    });
    expect(proposed.status).toBe(202);
    expect(await proposed.json()).toMatchObject({ kind: 'signer', state: 'pending' });
    const self = await call('POST', `/signers/${sha}/approve`, { token: carol, body: { reason: 'mine' } });
    expect(self.status).toBe(403);
    const approved = await call('POST', `/signers/${sha}/approve`, {
      token: dave,
      body: { reason: 'checked' },
    });
    expect(approved.status).toBe(200);

    const { db } = testDatabase();
    const rows = await db
      .select({ kind: schema.anchors.kind, state: schema.anchors.state })
      .from(schema.anchors)
      .where(and(eq(schema.anchors.vendorId, 'acme'), eq(schema.anchors.sha256, sha)));
    expect(rows).toEqual([{ kind: 'signer', state: 'active' }]);

    const verdict = await verify();
    expect(verdict.verdict).toBe('trusted');
    expect(verdict.anchor).toMatchObject({ kind: 'signer', sha256: sha });
  });

  it('seeded roots read back from D1 as kind root', async () => {
    const { trust } = testDatabase();
    const anchors = await trust.listAnchors('acme');
    expect(anchors.filter((a) => a.sha256 !== sha).every((a) => a.kind === 'root')).toBe(true);
  });
});
