import { describe, expect, it } from 'vitest';
import { createAdmin, edgeWith, fixtures, reasonCodes } from './helpers';

// The worker built from test/fixtures/timestamp/trust-store (its roots, _tsa/ and acme/tsa/) instead of
// trust-store/, as the build would bundle that tree.
const call = edgeWith(fixtures.timestamp);

describe('RFC 3161 timestamps at the edge (TSA roots bundled from trust-store/_tsa and <vendor>/tsa)', () => {
  it('gives every timestamp fixture its expected verdict, at the fixtures time', async () => {
    expect(fixtures.timestamp.tsa.global.length).toBeGreaterThan(0);
    expect(fixtures.timestamp.tsa.byVendor.acme?.length).toBeGreaterThan(0);
    expect((await call('/health', {})).status).toBe(200);
    const admin = await createAdmin('ts-admin');
    const mismatches: string[] = [];
    for (const c of fixtures.timestamp.cases) {
      const res = await call('/verify', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          vendor: c.vendor,
          artifact: c.artifact,
          signature: c.signature,
          time: '2026-06-01T00:00:00Z',
        }),
      });
      const body = await res.json();
      if (body.verdict !== c.expectedVerdict)
        mismatches.push(`${c.name}: expected ${c.expectedVerdict}, got ${body.verdict ?? body.code}`);
      else if (!c.expectedReasons.every((r) => reasonCodes(body).includes(r)))
        mismatches.push(`${c.name}: expected ${c.expectedReasons}, got ${reasonCodes(body)}`);
    }
    expect(mismatches).toEqual([]);
    expect(fixtures.timestamp.cases.map((c) => c.name)).toContain('expired-signer-timestamped-trusted');
  });
});
