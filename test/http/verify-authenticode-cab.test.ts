import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/encoding';
import { AUTHENTICODE_FIXTURES, readAuthenticodeFixture } from '../helpers/authenticode-fixtures';
import { createTestApp } from '../helpers/test-app';

const FIXTURES = AUTHENTICODE_FIXTURES;
const read = readAuthenticodeFixture;
const SIGNED = read('optional/signed-sha256.cab');
const UNSIGNED = read('optional/unsigned.cab');

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp({
    now: new Date('2026-06-01T00:00:00Z'),
    trustStoreDir: join(FIXTURES, 'trust-store'),
  });
});
afterAll(() => ctx.close());

function post(fields: { artifact: Uint8Array; signature?: Uint8Array }) {
  const form = new FormData();
  form.append('vendor', 'acme');
  if (fields.signature) form.append('signature', new Blob([new Uint8Array(fields.signature)]), 'sig.p7s');
  form.append('artifact', new Blob([new Uint8Array(fields.artifact)]), 'widget.cab');
  return ctx.app.request('/verify', { method: 'POST', body: form });
}
async function verdictOf(artifact: Uint8Array, signature?: Uint8Array) {
  const res = await post({ artifact, ...(signature ? { signature } : {}) });
  expect(res.status).toBe(200);
  return res.json();
}
const codes = (reasons: Array<{ code: string }>) => reasons.map((r) => r.code);
const sigPos = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(44, true);

describe('POST /verify with a cabinet (Authenticode in the CFHEADER reserve)', () => {
  it('answers trusted for a signed .cab sent as artifact only, its one signature listed', async () => {
    const body = await verdictOf(SIGNED);
    expect(body).toMatchObject({ verdict: 'trusted', reasons: [], vendor: 'acme', escalation: null });
    expect(body.signatures).toHaveLength(1);
    expect(body.signatures[0]).toMatchObject({ id: '1', verdict: 'trusted', digestAlgorithm: 'SHA-256' });
    expect(body.signer.subject).toContain('Acme Widget Authenticode Signing');
  });

  it('rejects a cabinet changed after signing with AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const changed = SIGNED.slice();
    const at = sigPos(changed) - 1;
    changed[at] = (changed[at] as number) ^ 1;
    const body = await verdictOf(changed);
    expect(body.verdict).toBe('rejected');
    expect(codes(body.reasons)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it('rejects bytes smuggled after the signature with AUTHENTICODE_CAB_MALFORMED', async () => {
    const body = await verdictOf(concatBytes(SIGNED, new TextEncoder().encode('unsigned')));
    expect(body.verdict).toBe('rejected');
    expect(codes(body.reasons)).toEqual(['AUTHENTICODE_CAB_MALFORMED']);
  });

  it('rejects an unsigned cabinet sent alone with AUTHENTICODE_UNSIGNED', async () => {
    const body = await verdictOf(UNSIGNED);
    expect(body.verdict).toBe('rejected');
    expect(codes(body.reasons)).toEqual(['AUTHENTICODE_UNSIGNED']);
  });

  it('trusts the unsigned cabinet with its extracted signature sent beside it ("given")', async () => {
    const blob = SIGNED.subarray(sigPos(SIGNED));
    const der = blob.slice(0, (blob[2] as number) * 256 + (blob[3] as number) + 4);
    const body = await verdictOf(UNSIGNED, der);
    expect(body.verdict).toBe('trusted');
    expect(body.signatures.map((s: { id: string }) => s.id)).toEqual(['given']);
  });
});
