import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHasher } from '../../src/platform/node';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { createTestApp } from '../helpers/test-app';

type Part = [name: string, value: string | Uint8Array];

/** A multipart body with its parts in exactly this order. */
function form(parts: Part[]): FormData {
  const body = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') body.append(name, value);
    else body.append(name, new Blob([new Uint8Array(value)]), `${name}.bin`);
  }
  return body;
}

/** Bytes no CMS reader accepts: a SEQUENCE whose length runs past the end. */
const JUNK_SIGNATURE = new Uint8Array([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x06, 0x09, 0x2a]);

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  // Artifacts over 1 KiB sent before the signature are hashed (SHA-256) and not kept, as 64 MiB ones are.
  ctx = await createTestApp({ createHasher: nodeHasher, limits: { maxArtifactBytes: 1024 } });
});
afterAll(() => ctx.close());

const post = (body: FormData) => ctx.app.request('/verify', { method: 'POST', body });

describe('POST /verify looks up the vendor before it parses the signature', () => {
  describe('when the vendor is unknown and the signature is junk', () => {
    it.each([
      [
        'vendor first',
        (sig: Uint8Array): Part[] => [
          ['vendor', 'no-such-vendor'],
          ['signature', sig],
          ['digest', `sha256:${'00'.repeat(32)}`],
        ],
      ],
      [
        'vendor last',
        (sig: Uint8Array): Part[] => [
          ['signature', sig],
          ['artifact', new Uint8Array(16)],
          ['vendor', 'no-such-vendor'],
        ],
      ],
    ])('answers UNKNOWN_VENDOR (%s), not SIGNATURE_UNREADABLE', async (_, parts) => {
      const res = await post(form(parts(JUNK_SIGNATURE)));
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('UNKNOWN_VENDOR');
    });

    it('would be SIGNATURE_UNREADABLE for a vendor that exists (the junk is really unreadable)', async () => {
      const res = await post(
        form([
          ['vendor', 'acme'],
          ['signature', JUNK_SIGNATURE],
          ['digest', `sha256:${'00'.repeat(32)}`],
        ]),
      );
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('SIGNATURE_UNREADABLE');
    });
  });

  describe('when a large artifact comes first, then a SHA-384 signature, then an unknown vendor', () => {
    // Reading the signature is the only way to learn that its signer needs SHA-384, which the artifact
    // (hashed with SHA-256) cannot give: DIGEST_ALGORITHM_MISMATCH would mean the signature was parsed.
    it('answers UNKNOWN_VENDOR, not DIGEST_ALGORITHM_MISMATCH', async () => {
      const c = cmsCase('rsa3072-sha384-detached-trusted');
      const parts: Part[] = [
        ['artifact', new Uint8Array(4096)],
        ['signature', readFixture(c.signature)],
        ['vendor', 'no-such-vendor'],
      ];
      const res = await post(form(parts));
      expect((await res.json()).code).toBe('UNKNOWN_VENDOR');
      // The same request for the signer's own vendor: the signature is parsed, and the order refused.
      parts[2] = ['vendor', c.vendor];
      expect((await (await post(form(parts))).json()).code).toBe('DIGEST_ALGORITHM_MISMATCH');
    });
  });

  describe('when the vendor part comes first and the rest of the body never arrives', () => {
    it('answers UNKNOWN_VENDOR without waiting for the signature', async () => {
      const boundary = 'vendor-first-boundary';
      const head = new TextEncoder().encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="vendor"\r\n\r\nno-such-vendor\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="signature"; filename="s.p7s"\r\n\r\n`,
      );
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(head);
          controller.enqueue(readFixture(cmsCase('ecdsa-p256-sha256-detached-trusted').signature));
          // ... and nothing more: the signature part never ends.
        },
        cancel() {
          cancelled = true;
        },
      });
      const res = await ctx.app.request('/verify', {
        method: 'POST',
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('UNKNOWN_VENDOR');
      expect(cancelled).toBe(true);
    }, 5_000);
  });
});
