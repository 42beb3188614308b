import { describe, expect, it } from 'vitest';
import { createAdmin, edgeWith, fixtures, reasonCodes } from './helpers';

// The worker built from test/fixtures/authenticode/trust-store (acme's Authenticode test root and the
// fixture TSA root), as the build would bundle that tree.
const call = edgeWith(fixtures.authenticode);

function file(name: string): string {
  const base64 = fixtures.authenticode.files[name];
  if (!base64) throw new Error(`no Authenticode fixture ${name}`);
  return base64;
}

/** The PE file alone, as a pipeline sends it, verified as of the fixtures' time (an admin's `time`). */
async function verifyPe(admin: string, name: string) {
  const res = await call('/verify', {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'acme', artifact: file(name), time: '2026-06-01T00:00:00Z' }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe('POST /verify with a signed PE file inside workerd (Authenticode)', () => {
  describe('when the file is signed under the vendor root', () => {
    it('answers trusted for PE32+ and PE32, each signature listed', async () => {
      const admin = await createAdmin('pe-admin');
      for (const name of ['signed/pe32plus-sha256.efi', 'signed/pe32-sha256.exe']) {
        const body = await verifyPe(admin, name);
        expect(body.verdict, name).toBe('trusted');
        expect(body.signatures).toHaveLength(1);
        expect(body.signatures[0]).toMatchObject({ id: '1', verdict: 'trusted' });
      }
    });

    it('follows a nested signature and lists both', async () => {
      const admin = await createAdmin('pe-admin-nested');
      const body = await verifyPe(admin, 'signed/pe32plus-nested-sha256-sha384.efi');
      expect(body.verdict).toBe('trusted');
      expect(body.signatures.map((s: { id: string; verdict: string }) => [s.id, s.verdict])).toEqual([
        ['1', 'trusted'],
        ['1.1', 'trusted'],
      ]);
    });

    it('trusts an expired signer through its RFC 3161 timestamp (the Microsoft attribute)', async () => {
      const admin = await createAdmin('pe-admin-ts');
      const body = await verifyPe(admin, 'signed/pe32plus-expired-signer-rfc3161.efi');
      expect(body.verdict).toBe('trusted');
      expect(body.signatures[0].timestamp.kind).toBe('rfc3161');
    });
  });

  describe('when the image was changed after signing', () => {
    it('answers rejected', async () => {
      const admin = await createAdmin('pe-admin-tampered');
      const body = await verifyPe(admin, 'tampered/pe32plus-image-byte-flipped.efi');
      expect(body.verdict).toBe('rejected');
      expect(reasonCodes(body).length).toBeGreaterThan(0);
    });
  });

  describe('when the signer chains to a root nobody knows', () => {
    it('answers unknown_root and opens an escalation case in D1', async () => {
      const admin = await createAdmin('pe-admin-unknown');
      const body = await verifyPe(admin, 'signed/pe32plus-unknown-root.efi');
      expect(body.verdict).toBe('unknown_root');
      expect(body.escalation?.id).toBeTruthy();
    });
  });
});
