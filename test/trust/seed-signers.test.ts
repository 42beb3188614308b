import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrustStoreBundle } from '../../scripts/bundle-trust-store';
import { createOfflineVerifier } from '../../src/offline';
import { seedFromBundle } from '../../src/platform/bundled-seed';
import { openOfflineStore } from '../../src/platform/offline-store';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { createInMemoryTrustRepository, importSeed } from '../../src/trust';
import { exportTrustStore } from '../../src/trust/export';
import { parseCertificate } from '../../src/verify/certificate';
import { encodePem } from '../../src/verify/pem';
import { signDetached } from '../helpers/cms-builder';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';
import { ext, type Issued, makeCert } from '../verify/path/cert-factory';

/**
 * `trust-store/<vendor>/signers/*.pem` (issue 17 item 4): read the same way by the Node reader, the
 * Workers bundle and the offline CLI store, imported as active pinned signers (vendor.json `signers`
 * settings distrust them as `roots` does roots), and exported back to signers/.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const content = new TextEncoder().encode('firmware 1.0');
const sha256Of = (der: Uint8Array) => (parseCertificate(der) as { sha256Hex: string }).sha256Hex;

let dir: string;
let key: Issued;
let distrusted: Issued;
let tls: Issued;
let bare: Uint8Array;

const moduleKey = (
  cn: string,
  serial: number,
  extensions = [ext.basicConstraints(false), ext.keyUsage('digitalSignature')],
) => makeCert({ cn, serial, extensions });

beforeAll(async () => {
  key = await moduleKey('Seeded Firmware Key', 31);
  distrusted = await moduleKey('Seeded Old Key', 32);
  tls = await moduleKey('Seeded TLS Key', 33, [ext.extKeyUsage('1.3.6.1.5.5.7.3.1')]);
  bare = await signDetached({ content, signer: key, issuerCn: key.cn, serial: 31, certificates: [] });
  dir = mkdtempSync(join(tmpdir(), 'trustgate-signers-'));
  const vendor = join(dir, 'initech');
  mkdirSync(join(vendor, 'signers'), { recursive: true });
  writeFileSync(
    join(vendor, 'vendor.json'),
    JSON.stringify({
      name: 'Initech',
      signers: { [sha256Of(distrusted.der)]: { distrustAfter: '2023-01-01T00:00:00Z' } },
    }),
  );
  writeFileSync(join(vendor, 'signers', 'firmware.pem'), encodePem('CERTIFICATE', key.der));
  writeFileSync(join(vendor, 'signers', 'old.pem'), encodePem('CERTIFICATE', distrusted.der));
  writeFileSync(join(vendor, 'signers', 'tls.pem'), encodePem('CERTIFICATE', tls.der));
  // A pinned signer is not a root: at the vendor folder's top level it would be skipped (not a CA).
  writeFileSync(join(vendor, 'notes.txt'), 'not a certificate');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a trust-store folder with signers/', () => {
  it('is read with each signer file named signers/<file>, apart from the roots', async () => {
    const [initech] = await readTrustStoreDir(dir);
    expect(initech?.certificates).toEqual([]);
    expect(initech?.signers?.map((s) => s.file)).toEqual([
      'signers/firmware.pem',
      'signers/old.pem',
      'signers/tls.pem',
    ]);
  });

  it('imports active and distrusted pinned signers, skips one that would sign nothing, and reports no unknown setting', async () => {
    const repository = createInMemoryTrustRepository();
    const report = await importSeed(repository, await readTrustStoreDir(dir), NOW);
    const anchors = await repository.listAnchors('initech');
    expect(anchors.map((a) => ({ sha256: a.sha256, kind: a.kind, state: a.state }))).toEqual(
      expect.arrayContaining([
        { sha256: sha256Of(key.der), kind: 'signer', state: 'active' },
        { sha256: sha256Of(distrusted.der), kind: 'signer', state: 'distrusted' },
      ]),
    );
    expect(anchors).toHaveLength(2);
    expect(report.skipped).toEqual([
      expect.objectContaining({ vendorId: 'initech', file: 'signers/tls.pem' }),
    ]);
  });

  it('the Workers bundle carries the signers and seeds the same as the folder', async () => {
    const bundle = await buildTrustStoreBundle(dir);
    expect(seedFromBundle(bundle)).toEqual(await readTrustStoreDir(dir));
  });

  it('a store without signers/ bundles as before (no signers field, same hash input)', async () => {
    const bundle = await buildTrustStoreBundle(FIXTURE_TRUST_STORE);
    expect(bundle.vendors.every((v) => !('signers' in v))).toBe(true);
  });

  it('the offline CLI store trusts a bare signature through the pinned signer, kind signer', async () => {
    const store = await openOfflineStore(dir);
    if ('invalid' in store) throw new Error(store.invalid);
    const result = (await store.verify({
      vendor: 'initech',
      signature: bare,
      artifact: { kind: 'bytes', bytes: content },
      time: NOW,
    })) as { verdict: string; anchor: unknown };
    expect(result.verdict).toBe('trusted');
    expect(result.anchor).toEqual({
      vendor: 'initech',
      sha256: sha256Of(key.der),
      subject: 'CN=Seeded Firmware Key',
      kind: 'signer',
    });
    expect(store.warnings).toEqual([expect.stringContaining('signers/tls.pem skipped')]);
  });

  it('a pinned signer seeded at the top level (as a root) anchors nothing: it is not a CA', async () => {
    const verifier = await createOfflineVerifier({
      seed: [{ id: 'initech', vendorJson: null, certificates: [{ file: 'firmware.pem', der: key.der }] }],
      subtle: globalThis.crypto.subtle,
      now: () => NOW,
    });
    expect(verifier.report.skipped).toEqual([expect.objectContaining({ file: 'firmware.pem' })]);
    const result = await verifier.verify({
      vendor: 'initech',
      signature: bare,
      artifact: { kind: 'bytes', bytes: content },
      time: NOW,
    });
    expect(result.verdict).not.toBe('trusted');
  });

  it('is exported back to signers/ with its settings under vendor.json signers', async () => {
    const repository = createInMemoryTrustRepository();
    await importSeed(repository, await readTrustStoreDir(dir), NOW);
    const vendor = await repository.getVendor('initech');
    if (!vendor) throw new Error('no vendor');
    const files = exportTrustStore([{ vendor, anchors: await repository.listAnchors('initech') }]);
    const paths = files.map((f) => f.path);
    expect(paths).toContain(`initech/signers/signer-${sha256Of(key.der).slice(0, 16)}.pem`);
    expect(paths.filter((p) => !p.startsWith('initech/signers/'))).toEqual(['initech/vendor.json']);
    const vendorJson = JSON.parse(files.find((f) => f.path === 'initech/vendor.json')?.content ?? '{}');
    expect(vendorJson.signers).toEqual({
      [sha256Of(distrusted.der)]: { distrustAfter: '2023-01-01T00:00:00.000Z' },
    });
    expect(vendorJson.roots).toBeUndefined();
  });
});
