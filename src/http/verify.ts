import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { TrustgateError } from '../errors';
import { type VerificationDeps, verifyRequest } from '../services/verification';
import type { Authenticator } from './auth';
import { ROLES } from './auth';
import type { HasherFactory } from './hasher';
import { problemResponse } from './problem';
import { CertificateSchema, problemResponses, ReasonSchema } from './schemas';
import { type RequestLimits, readJson } from './verify-request';
import { readMultipartStreaming } from './verify-stream';

const VerifyJsonSchema = z
  .object({
    vendor: z
      .string()
      .openapi({ description: 'id of the vendor whose roots must anchor the signature', example: 'acme' }),
    signature: z.string().optional().openapi({ description: 'CMS/PKCS#7 SignedData, DER or PEM, base64' }),
    artifact: z.string().optional().openapi({ description: 'the artifact, base64 (or send digest)' }),
    digest: z
      .string()
      .optional()
      .openapi({ description: 'sha256:<hex> of the artifact, instead of the artifact' }),
    time: z.string().optional().openapi({
      description: 'verify as of this instant (ISO 8601) instead of now; admin tokens only',
      example: '2026-01-01T00:00:00Z',
    }),
  })
  .openapi('VerifyJsonRequest');

const VerifyMultipartSchema = z.object({
  vendor: z.string(),
  signature: z.any().openapi({ type: 'string', format: 'binary' }),
  artifact: z.any().optional().openapi({ type: 'string', format: 'binary' }),
  digest: z.string().optional(),
  time: z.string().optional(),
});

const VerdictSchema = z
  .object({
    verdict: z.enum(['trusted', 'rejected', 'unknown_root']),
    reasons: z.array(ReasonSchema),
    vendor: z.string(),
    verifiedAt: z.string(),
    signer: CertificateSchema.nullable(),
    chain: z.array(CertificateSchema),
    anchor: z.object({ vendor: z.string(), sha256: z.string(), subject: z.string() }).nullable(),
    escalation: z
      .object({
        id: z.string(),
        state: z.string(),
        kind: z.string(),
        topCertificate: z.object({ subject: z.string(), sha256: z.string(), spkiSha256: z.string() }),
        checklist: z.array(z.object({ n: z.number().int(), title: z.string(), detail: z.string() })),
      })
      .passthrough()
      .nullable(),
  })
  .openapi('Verdict');

export const verifyRoute = createRoute({
  method: 'post',
  path: '/verify',
  summary: 'Decide whether a signed package may be installed',
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': { schema: VerifyMultipartSchema },
        'application/json': { schema: VerifyJsonSchema },
      },
    },
  },
  responses: {
    200: { description: 'A decided verdict', content: { 'application/json': { schema: VerdictSchema } } },
    ...problemResponses(400, 401, 403, 415, 422),
  },
});

export function registerVerify(
  app: OpenAPIHono,
  deps: VerificationDeps,
  limits: RequestLimits & { maxBodyBytes: number; maxStreamedArtifactBytes?: number },
  access?: { auth: Authenticator; requireToken: boolean },
  streaming?: { createHasher?: HasherFactory },
) {
  const streamLimits = {
    ...limits,
    maxStreamedArtifactBytes: limits.maxStreamedArtifactBytes ?? limits.maxArtifactBytes,
  };
  const maxMultipartBytes = streamLimits.maxStreamedArtifactBytes + limits.maxBodyBytes;
  const bufferedLimit = bodyLimit({
    maxSize: limits.maxBodyBytes,
    onError: (c) =>
      problemResponse(c, 'PAYLOAD_TOO_LARGE', `the request body is over ${limits.maxBodyBytes} bytes`),
  });
  // multipart/form-data is read as a stream (verify-stream.ts), which counts its own bytes: hono's
  // bodyLimit would buffer a body sent without content-length. Everything else is buffered and limited.
  app.use('/verify', async (c, next) => {
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      return bufferedLimit(c, next);
    }
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > maxMultipartBytes) {
      return problemResponse(c, 'PAYLOAD_TOO_LARGE', `the request body is over ${maxMultipartBytes} bytes`);
    }
    return next();
  });
  // The body is read by hand rather than by the route validator, so every failure has its own code.
  app.openAPIRegistry.registerPath(verifyRoute);
  app.post('/verify', async (c) => {
    if (access?.requireToken) await access.auth.require(c, ROLES.verify);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let input: Awaited<ReturnType<typeof readJson>>;
    let time: unknown;
    if (type.startsWith('multipart/form-data')) {
      const form = await readMultipartStreaming(
        await multipartBody(c.req.raw, c.req.header('content-length')),
        c.req.header('content-type') ?? '',
        streamLimits,
        streaming?.createHasher,
      );
      input = form.input;
      time = form.time;
    } else if (type.startsWith('application/json')) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new TrustgateError('INVALID_JSON', 'the body is not valid JSON');
      }
      input = readJson(body, limits);
      time = (body as Record<string, unknown>).time;
    } else {
      throw new TrustgateError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data or application/json');
    }
    if (time !== undefined && time !== null) {
      if (!access) throw new TrustgateError('FORBIDDEN', 'time may only be set with an admin token');
      await access.auth.require(c, ['admin']);
      input.time = readVerificationTime(time);
    }
    return c.json(await verifyRequest(deps, input), 200);
  });
}

/** Multipart bodies up to this declared length are read whole before parsing (see `multipartBody`). */
const SMALL_MULTIPART_BYTES = 1024 * 1024;

/**
 * The multipart body. One that declares a small length is read whole first: on Node, hono's adapter then
 * reads it straight from the socket instead of building a Request and a Web stream over the socket for
 * it (about a tenth of the server's time on a digest-only /verify), and the multipart reader walks one
 * chunk. Larger bodies, and bodies without a length, are streamed as they arrive.
 */
async function multipartBody(
  request: Request,
  contentLength: string | undefined,
): Promise<ReadableStream<Uint8Array> | Uint8Array | null> {
  if (contentLength === undefined || !/^\d{1,7}$/.test(contentLength)) return request.body;
  if (Number(contentLength) > SMALL_MULTIPART_BYTES) return request.body;
  try {
    return new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new TrustgateError('BAD_REQUEST', 'the multipart body cannot be read');
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function readVerificationTime(value: unknown): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw new TrustgateError(
      'INVALID_FIELD',
      'time must be an ISO 8601 instant such as 2026-01-01T00:00:00Z',
    );
  }
  return date;
}
