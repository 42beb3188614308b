import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemBody } from '../../src/http/problem';
import { createTestApp } from '../helpers/test-app';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

/** A ContentInfo whose content type is an OID of `bytes` bytes (1.2 then one enormous arc). */
function hugeOidSignature(bytes: number): Uint8Array<ArrayBuffer> {
  const oid = new Uint8Array(bytes).fill(0x81);
  oid[0] = 0x2a;
  oid[bytes - 1] = 0x01;
  const length = (n: number) => [0x83, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const oidTlv = [0x06, ...length(bytes)];
  const content = [0xa0, 0x02, 0x30, 0x00];
  return new Uint8Array([
    0x30,
    ...length(oidTlv.length + bytes + content.length),
    ...oidTlv,
    ...oid,
    ...content,
  ]);
}

describe('problem details', () => {
  describe('when the caller sends a signature whose content type is a 100 KB OID', () => {
    it('answers a short problem, not one that echoes the OID back (regression: 2 MB for a 1 MB OID)', async () => {
      const form = new FormData();
      form.append('vendor', 'acme');
      form.append('signature', new Blob([hugeOidSignature(100_000)]), 'sig.p7s');
      form.append('digest', `sha256:${'00'.repeat(32)}`);
      const res = await ctx.app.request('/verify', { method: 'POST', body: form });
      const text = await res.text();
      expect(res.status).toBe(422);
      expect(text.length).toBeLessThan(2048);
      expect(JSON.parse(text).detail).toContain('OID longer than 64 bytes');
    });
  });

  describe('when a detail is longer than 1,000 characters', () => {
    it('sends its first 1,000 and says how many were left out', () => {
      const body = problemBody('INVALID_FIELD', 'x'.repeat(5000));
      expect(body.detail).toBe(`${'x'.repeat(1000)}... (4000 more characters left out)`);
    });
  });
});
