import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TrustgateError } from '../errors';
import {
  requireKnownVendor,
  type VerificationDeps,
  type VerifyInput,
  verifyRequest,
} from '../services/verification';
import { MAX_FILE_NAME_LENGTH, MAX_JOB_URL_LENGTH } from '../services/verify-input';
import type { Authenticator } from './auth';
import { ROLES } from './auth';
import type { HasherFactory } from './hasher';
import { type JsonBody, parseJsonBody } from './json-body';
import { declaredLength, guardedBody, readWholeBody } from './request-body';
import type { RequestBudget } from './request-budget';
import { noteVerdict } from './request-log';
import { problemResponses } from './schemas';
import { VerdictSchema, verdictResponse } from './verdict-schema';
import { type RequestLimits, readJson } from './verify-request';
import { readMultipartStreaming } from './verify-stream';

const FileNameField = z.string().max(MAX_FILE_NAME_LENGTH).optional().openapi({
  description:
    "the package file's name, for on-call (kept on the escalation case, shown with it; never decides anything): no directory, letters, digits, spaces and . _ + ~ @ ( ) [ ] { } , = # % & ! -",
  example: 'widget-1.4.2.tar.gz',
});
const JobUrlField = z.string().max(MAX_JOB_URL_LENGTH).optional().openapi({
  description:
    'the pipeline job that sent the package, for on-call (kept on the escalation case): an http(s) URL without credentials, printable ASCII',
  example: 'https://github.com/acme/widget/actions/runs/123/job/456',
});

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
    fileName: FileNameField,
    jobUrl: JobUrlField,
  })
  .openapi('VerifyJsonRequest');

const VerifyMultipartSchema = z.object({
  vendor: z.string(),
  signature: z.any().openapi({ type: 'string', format: 'binary' }),
  artifact: z.any().optional().openapi({ type: 'string', format: 'binary' }),
  digest: z.string().optional(),
  time: z.string().optional(),
  fileName: FileNameField,
  jobUrl: JobUrlField,
});

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
    ...problemResponses(400, 401, 403, 415, 422, 503),
  },
});

/** A JSON body is held about twice over: its bytes, and what is decoded from them (text, fields). */
const JSON_BODY_WEIGHT = 2;

/** Multipart bodies up to this declared length are read whole before parsing (see `readWholeBody`). */
const SMALL_MULTIPART_BYTES = 1024 * 1024;

export interface VerifyRouteOptions {
  /** The global budget of buffered request bytes and concurrent verifications. */
  budget: RequestBudget;
  /** `REQUIRE_VERIFY_TOKEN` and who may set `time`. */
  access?: { auth: Authenticator; requireToken: boolean };
  /** Incremental hashing for streamed artifacts. */
  createHasher?: HasherFactory | undefined;
}

export function registerVerify(
  app: OpenAPIHono,
  deps: VerificationDeps,
  limits: RequestLimits & { maxBodyBytes: number; maxStreamedArtifactBytes?: number },
  options: VerifyRouteOptions,
) {
  const { access, budget } = options;
  const streamLimits = {
    ...limits,
    maxStreamedArtifactBytes: limits.maxStreamedArtifactBytes ?? limits.maxArtifactBytes,
  };
  const maxMultipartBytes = streamLimits.maxStreamedArtifactBytes + limits.maxBodyBytes;
  const requireVendor = (vendorId: string) => requireKnownVendor(deps, vendorId);
  // The body is read by hand rather than by the route validator, so every failure has its own code and
  // every byte held is in the budget. multipart/form-data is read as a stream (verify-stream.ts), which
  // counts its own bytes; JSON is read whole, within maxBodyBytes.
  app.openAPIRegistry.registerPath(verifyRoute);
  app.post('/verify', async (c) => {
    if (access?.requireToken) await access.auth.require(c, ROLES.verify);
    const request = c.req.raw;
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const reservation = budget.reservation();
    try {
      let input: VerifyInput;
      let time: unknown;
      if (type.startsWith('multipart/form-data')) {
        const length = declaredLength(request);
        if (length !== null && length > maxMultipartBytes) {
          throw new TrustgateError(
            'PAYLOAD_TOO_LARGE',
            `the request body is over ${maxMultipartBytes} bytes`,
          );
        }
        // A small body is read whole first: on Node that skips the Web stream over the socket (about a
        // tenth of the server's time on a digest-only /verify), and the multipart reader walks one chunk.
        const body =
          length !== null && length <= SMALL_MULTIPART_BYTES
            ? (await readWholeBody(request, SMALL_MULTIPART_BYTES, reservation)).bytes
            : guardedBody(request);
        const form = await readMultipartStreaming(body, c.req.header('content-type') ?? '', streamLimits, {
          createHasher: options.createHasher,
          reservation,
          requireVendor,
        });
        input = form.input;
        time = form.time;
      } else if (type.startsWith('application/json')) {
        const whole = await readWholeBody(request, limits.maxBodyBytes, reservation, JSON_BODY_WEIGHT);
        try {
          let body: JsonBody;
          try {
            body = await parseJsonBody(whole.bytes);
          } catch (error) {
            if (error instanceof SyntaxError)
              throw new TrustgateError('INVALID_JSON', 'the body is not valid JSON');
            throw error;
          }
          input = await readJson(body, limits);
          time = body.string((body.value as Record<string, unknown>).time);
        } finally {
          whole.discard(); // everything needed was read out of it: its memory goes back now
        }
      } else {
        throw new TrustgateError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data or application/json');
      }
      if (time !== undefined && time !== null) {
        if (!access) throw new TrustgateError('FORBIDDEN', 'time may only be set with an admin token');
        await access.auth.require(c, ['admin']);
        input.time = readVerificationTime(time);
      }
      const slot = budget.freeVerificationSlot() ?? (await budget.verificationSlot(() => request.signal));
      try {
        const result = await verifyRequest(deps, input);
        noteVerdict(c, result);
        return c.json(verdictResponse(result), 200);
      } finally {
        slot.release();
      }
    } finally {
      reservation.release();
    }
  });
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
