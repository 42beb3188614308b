import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import {
  readTimestampFixture,
  TIMESTAMP_FIXTURES,
  timestampCase,
  timestampCases,
} from '../helpers/timestamp-fixtures';
import { createAdminTestApp } from '../trust/helpers/admin-client';

/** The composed app as npm start builds it, over the timestamp fixture store (TSA roots in _tsa and acme/tsa). */
describe('POST /verify through the composed app, with timestamps and uploaded CRLs', () => {
  let t: Awaited<ReturnType<typeof createAdminTestApp>>;
  beforeAll(async () => {
    t = await createAdminTestApp({ trustStoreDir: join(TIMESTAMP_FIXTURES, 'trust-store') });
  });
  afterAll(() => t.close());

  const verify = async (name: string) => {
    const c = timestampCase(name);
    const res = await t.call('POST', '/verify', {
      body: {
        vendor: c.vendor,
        artifact: bytesToBase64(readTimestampFixture(c.artifact)),
        signature: bytesToBase64(readTimestampFixture(c.signature)),
      },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { verdict: string; reasons: Array<{ code: string }> };
  };

  describe('when each timestamp fixture is verified over HTTP', () => {
    for (const c of timestampCases) {
      it(`${c.name}: ${c.expectedVerdict}`, async () => {
        const body = await verify(c.name);
        expect(body.verdict).toBe(c.expectedVerdict);
        expect(body.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(c.expectedReasons));
      });
    }
  });

  describe('when an admin uploads a CRL that revokes a signer', () => {
    it('serves the route and the next verification of that signer is rejected CERT_REVOKED', async () => {
      expect((await verify('long-signer-untimestamped-trusted')).verdict).toBe('trusted');
      const crl = readFileSync(
        join(TIMESTAMP_FIXTURES, 'crls/ca-revokes-long-signer-keycompromise-2025-06-01.crl'),
      );
      const upload = await t.app.request('/vendors/acme/crls', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.alice}`, 'content-type': 'application/pkix-crl' },
        body: crl,
      });
      expect(upload.status).toBeLessThan(300);
      const after = await verify('long-signer-untimestamped-trusted');
      expect(after.verdict).toBe('rejected');
      expect(after.reasons.map((r) => r.code)).toContain('CERT_REVOKED');
    });
  });
});
