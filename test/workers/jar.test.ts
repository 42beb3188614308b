import { beforeAll, describe, expect, it } from 'vitest';
import { importSeed } from '../../src/trust';
import { decodePemBlocks } from '../../src/verify';
import { bytes, call, fixtures, multipart, postVerify, reasonCodes, testDatabase } from './helpers';

const jar = (name: string) => {
  const found = fixtures.jars.find((j) => j.name === name);
  if (!found) throw new Error(`no JAR fixture ${name}`);
  return found;
};

beforeAll(async () => {
  expect((await call('GET', '/health')).status).toBe(200);
  // The JAR fixtures' root for acme, imported into D1 as a trust-store seed would be.
  const { trust } = testDatabase();
  const certificates = Object.entries(fixtures.jarRoots).flatMap(([file, pem]) =>
    decodePemBlocks(pem).map((b) => ({ file, der: b.der })),
  );
  const report = await importSeed(trust, [{ id: 'acme', vendorJson: null, certificates }], new Date());
  expect(report.anchorsAdded).toHaveLength(1);
});

describe('POST /verify with a signed JAR only, inside workerd (fflate, one entry at a time)', () => {
  it('answers trusted for a jarsigner-signed JAR under the vendor root', async () => {
    const c = jar('signed-rsa-trusted');
    const body = await (await postVerify(multipart({ vendor: c.vendor, artifact: bytes(c.jar) }))).json();
    expect(body).toMatchObject({ verdict: 'trusted', vendor: 'acme' });
  });

  it('answers rejected for a JAR whose entry was changed after signing', async () => {
    const c = jar('tampered-entry-rejected');
    const body = await (await postVerify(multipart({ vendor: c.vendor, artifact: bytes(c.jar) }))).json();
    expect(body.verdict).toBe('rejected');
    expect(reasonCodes(body).some((code) => code.startsWith('JAR_') || code.startsWith('ZIP_'))).toBe(true);
  });

  it('refuses a ZIP bomb with problem+json before inflating it', async () => {
    const c = jar('zip-bomb-refused');
    const res = await postVerify(multipart({ vendor: c.vendor, artifact: bytes(c.jar) }));
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe(c.expectedError);
  });
});
