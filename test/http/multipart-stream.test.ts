import { describe, expect, it, vi } from 'vitest';
import { bootstrap } from '../../src/bootstrap';
import { createTrustRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import { concatBytes } from '../../src/encoding';
import {
  boundaryOf,
  MultipartError,
  type PartInfo,
  readMultipartStream,
} from '../../src/http/multipart-stream';
import { nodeHasher } from '../../src/platform/node';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { readTrustStoreDir } from '../../src/platform/trust-store-files';
import { importSeed } from '../../src/trust';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { FIXTURE_TRUST_STORE, MIGRATIONS, PLAYBOOKS, testConfig } from '../helpers/test-app';

const enc = new TextEncoder();
const BOUNDARY = 'XyZ-boundary-42';

function body(
  parts: Array<{ headers: string; data: Uint8Array | string }>,
  boundary = BOUNDARY,
): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    chunks.push(enc.encode(`--${boundary}\r\n${p.headers}\r\n\r\n`));
    chunks.push(typeof p.data === 'string' ? enc.encode(p.data) : p.data);
    chunks.push(enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  return concatBytes(...chunks);
}

function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function collect(
  stream: ReadableStream<Uint8Array> | Uint8Array,
  boundary = BOUNDARY,
  maxBodyBytes = 1 << 20,
) {
  const parts: Array<PartInfo & { data: Uint8Array }> = [];
  await readMultipartStream(
    stream,
    boundary,
    (info) => {
      const chunks: Uint8Array[] = [];
      return {
        write: (c) => {
          chunks.push(c.slice());
        },
        end: () => {
          const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
          let at = 0;
          for (const c of chunks) {
            data.set(c, at);
            at += c.length;
          }
          parts.push({ ...info, data });
        },
      };
    },
    { maxBodyBytes },
  );
  return parts;
}

/** Data that keeps almost matching the delimiter, at every offset. */
const tricky = enc.encode(`a\r\n--XyZ-boundary-4\r\n--XyZ\r\n-\r\r\n--XyZ-boundary-43\r\n--XyZ-boundary-4`);
const random = crypto.getRandomValues(new Uint8Array(5000));

const sample = body([
  { headers: 'Content-Disposition: form-data; name="vendor"', data: 'acme' },
  {
    headers:
      'Content-Disposition: form-data; name="signature"; filename="a b.p7s"\r\nContent-Type: application/pkcs7-signature',
    data: tricky,
  },
  { headers: 'content-disposition: form-data; name="artifact"; filename="pkg.bin"', data: random },
  { headers: 'Content-Disposition: form-data; name="empty"', data: '' },
]);

describe('the streaming multipart reader', () => {
  describe('whatever the chunk sizes', () => {
    it.each([1, 2, 3, 7, 19, 64, 1000, sample.length])(
      'reads every part exactly (chunks of %i)',
      async (size) => {
        const parts = await collect(streamOf(sample, size));
        expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
          ['vendor', null, null],
          ['signature', 'a b.p7s', 'application/pkcs7-signature'],
          ['artifact', 'pkg.bin', null],
          ['empty', null, null],
        ]);
        expect(new TextDecoder().decode(parts[0]?.data)).toBe('acme');
        expect(parts[1]?.data).toEqual(tricky);
        expect(parts[2]?.data).toEqual(random);
        expect(parts[3]?.data.length).toBe(0);
      },
    );

    it('reads a body given whole exactly as the same body streamed', async () => {
      expect(await collect(sample)).toEqual(await collect(streamOf(sample, 7)));
    });

    it('agrees with the platform FormData parser', async () => {
      const form = await new Response(new Uint8Array(sample), {
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      }).formData();
      const parts = await collect(streamOf(sample, 13));
      expect(new Uint8Array(await (form.get('artifact') as Blob).arrayBuffer())).toEqual(parts[2]?.data);
      expect(new Uint8Array(await (form.get('signature') as Blob).arrayBuffer())).toEqual(parts[1]?.data);
    });
  });

  describe('on data made of pieces of the delimiter', () => {
    it('splits only at whole delimiters (200 random bodies and chunkings)', async () => {
      let seed = 7;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
      };
      const delimiter = enc.encode(`\r\n--${BOUNDARY}`);
      for (let round = 0; round < 200; round++) {
        const pieces: number[] = [];
        while (pieces.length < 300) {
          if (rand(3) === 0) pieces.push(rand(256));
          else {
            const from = rand(delimiter.length);
            const to = from + 1 + rand(delimiter.length - from - 1 || 1);
            pieces.push(...delimiter.subarray(from, Math.min(to, delimiter.length - 1)));
          }
        }
        const data = new Uint8Array(pieces);
        const framed = body([{ headers: 'Content-Disposition: form-data; name="a"', data }]);
        const parts = await collect(streamOf(framed, 1 + rand(50)));
        expect(parts[0]?.data).toEqual(data);
      }
    });
  });

  describe('preamble and epilogue', () => {
    it('ignores a preamble and line breaks after the closing delimiter', async () => {
      const framed = new Uint8Array([...enc.encode('preamble\r\n'), ...sample, ...enc.encode('\r\n')]);
      expect((await collect(streamOf(framed, 5))).length).toBe(4);
    });
    it('refuses anything else after the closing delimiter, such as a second artifact part (regression: it was dropped unseen)', async () => {
      for (const epilogue of [
        'epilogue',
        `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="artifact"\r\n\r\nevil\r\n--${BOUNDARY}--\r\n`,
      ]) {
        const framed = new Uint8Array([...sample, ...enc.encode(epilogue)]);
        const error = await collect(streamOf(framed, 5)).catch((e) => e);
        expect(error).toBeInstanceOf(MultipartError);
        expect((error as Error).message).toMatch(/follow the closing boundary/);
      }
    });
  });

  describe('on malformed bodies', () => {
    const expectError = async (bytes: Uint8Array, pattern: RegExp, maxBodyBytes?: number) => {
      const error = await collect(streamOf(bytes, 4), BOUNDARY, maxBodyBytes).catch((e) => e);
      expect(error).toBeInstanceOf(MultipartError);
      expect((error as Error).message).toMatch(pattern);
      // The same body given whole is refused alike.
      const whole = await collect(bytes, BOUNDARY, maxBodyBytes).catch((e) => e);
      expect(whole).toBeInstanceOf(MultipartError);
      expect([(whole as MultipartError).message, (whole as MultipartError).tooLarge]).toEqual([
        (error as MultipartError).message,
        (error as MultipartError).tooLarge,
      ]);
      return error as MultipartError;
    };

    it('refuses a body cut before its closing delimiter', async () => {
      await expectError(sample.subarray(0, sample.length - 30), /ends inside/);
      await expectError(sample.subarray(0, 3000), /ends inside a part/);
    });
    it('refuses a body with no boundary at all', async () => {
      await expectError(enc.encode('just some text'), /no boundary/);
    });
    it('refuses a part without a name', async () => {
      await expectError(body([{ headers: 'Content-Disposition: form-data', data: 'x' }]), /no name/);
    });
    it('refuses a body over its limit, as too large', async () => {
      expect((await expectError(sample, /over 100 bytes/, 100)).tooLarge).toBe(true);
    });
    it('refuses an endless header block, as too large', async () => {
      const headers = `Content-Disposition: form-data; name="a"\r\nX-Pad: ${'p'.repeat(20_000)}`;
      expect((await expectError(body([{ headers, data: 'x' }]), /header block is too large/)).tooLarge).toBe(
        true,
      );
    });
  });

  describe('the boundary parameter', () => {
    it('is read quoted or bare, keeping its case', () => {
      expect(boundaryOf('multipart/form-data; boundary=AbC')).toBe('AbC');
      expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="q u"')).toBe('q u');
      expect(boundaryOf('multipart/form-data')).toBeNull();
    });
  });
});

/** The app with the Node hasher and small limits, so that "over 64 MiB" can be a few hundred bytes here. */
async function streamingApp(createHasher = vi.fn(nodeHasher)) {
  const { db } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  const now = new Date('2026-06-01T00:00:00Z');
  await importSeed(createTrustRepository(db), await readTrustStoreDir(FIXTURE_TRUST_STORE), now);
  const { app } = bootstrap(
    testConfig({ adminToken: undefined }),
    {
      db,
      subtle: globalThis.crypto.subtle,
      now: () => now,
      playbooks: await readPlaybooks(PLAYBOOKS),
      createHasher,
    },
    { limits: { maxArtifactBytes: 100, maxStreamedArtifactBytes: 1000 } },
  );
  return { app, createHasher };
}

function verifyForm(order: string[], caseName: string, artifactFile?: string) {
  const c = cmsCase(caseName);
  const fields: Record<string, { headers: string; data: Uint8Array | string }> = {
    vendor: { headers: 'Content-Disposition: form-data; name="vendor"', data: c.vendor },
    signature: {
      headers: 'Content-Disposition: form-data; name="signature"; filename="s.p7s"',
      data: readFixture(c.signature),
    },
    artifact: {
      headers: 'Content-Disposition: form-data; name="artifact"; filename="a.bin"',
      data: readFixture(artifactFile ?? c.artifact),
    },
  };
  return body(order.map((name) => fields[name] as { headers: string; data: Uint8Array | string }));
}

const post = (
  app: { request: (url: string, init: RequestInit) => Response | Promise<Response> },
  bytes: Uint8Array,
  chunked = false,
) =>
  app.request('/verify', {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: chunked ? streamOf(bytes, 50) : bytes,
    ...(chunked ? { duplex: 'half' } : {}),
  } as RequestInit);

describe('POST /verify read as a stream', () => {
  describe('when the signature comes before the artifact (the documented order)', () => {
    it("hashes the artifact with the signer's algorithm as it streams, past the buffered limit", async () => {
      const { app, createHasher } = await streamingApp();
      const res = await post(
        app,
        verifyForm(['vendor', 'signature', 'artifact'], 'rsa3072-sha384-detached-trusted'),
        true,
      );
      expect(res.status).toBe(200);
      expect((await res.json()).verdict).toBe('trusted');
      expect(createHasher).toHaveBeenCalledWith('SHA-384');
    });

    it('rejects a tampered artifact', async () => {
      const { app } = await streamingApp();
      const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
      const res = await post(
        app,
        verifyForm(['vendor', 'signature', 'artifact'], c.name, 'artifacts/acme-widget-1.4.2-tampered.bin'),
      );
      const json = await res.json();
      expect(json.verdict).toBe('rejected');
      expect(json.reasons.map((r: { code: string }) => r.code)).toContain('DIGEST_MISMATCH');
    });
  });

  describe('when the artifact comes first', () => {
    it('verifies a SHA-256 signer past the buffered limit (hashed with SHA-256 by default)', async () => {
      const { app } = await streamingApp();
      const res = await post(
        app,
        verifyForm(['vendor', 'artifact', 'signature'], 'ecdsa-p256-sha256-detached-trusted'),
      );
      expect((await res.json()).verdict).toBe('trusted');
    });

    it('refuses, saying to send the signature first, when the signer used another algorithm', async () => {
      const { app } = await streamingApp();
      const res = await post(
        app,
        verifyForm(['vendor', 'artifact', 'signature'], 'rsa3072-sha384-detached-trusted'),
      );
      expect(res.status).toBe(422);
      const json = await res.json();
      expect(json.code).toBe('DIGEST_ALGORITHM_MISMATCH');
      expect(json.detail).toMatch(/signature part before the artifact/);
    });
  });

  describe('limits', () => {
    it('refuses an artifact over the streamed limit, even without content-length', async () => {
      const { app } = await streamingApp();
      const big = body([
        { headers: 'Content-Disposition: form-data; name="vendor"', data: 'acme' },
        {
          headers: 'Content-Disposition: form-data; name="artifact"; filename="a"',
          data: new Uint8Array(5000),
        },
      ]);
      const res = await post(app, big, true);
      expect(res.status).toBe(422);
      expect((await res.json()).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses a declared content-length over the limit before reading', async () => {
      const { app } = await streamingApp();
      const res = await app.request('/verify', {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': String(8 * 1024 * 1024 * 1024),
        },
        body: 'x',
      });
      expect((await res.json()).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers alike whether a small body declares its length (read whole) or not (streamed)', async () => {
      const { app } = await streamingApp();
      for (const [order, name] of [
        [['vendor', 'signature', 'artifact'], 'ecdsa-p256-sha256-detached-trusted'],
        [['vendor', 'artifact', 'signature'], 'rsa3072-sha384-detached-trusted'],
        [['vendor', 'signature', 'artifact'], 'signature-value-flipped-signature-invalid'],
      ] as const) {
        const bytes = verifyForm([...order], name);
        const declared = await app.request('/verify', {
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
            'content-length': String(bytes.length),
          },
          body: bytes,
        });
        const streamed = await post(app, bytes, true);
        const strip = async (res: Response) => {
          const { verifiedAt: _, ...rest } = await res.json();
          return { status: res.status, ...rest };
        };
        expect(await strip(declared)).toEqual(await strip(streamed));
      }
    });

    it('refuses a malformed body as a bad request', async () => {
      const { app } = await streamingApp();
      const res = await post(app, enc.encode('not multipart at all'));
      expect(res.status).toBe(400);
    });
  });
});
