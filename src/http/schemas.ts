import { z } from '@hono/zod-openapi';
import { ERROR_STATUS, type ErrorCode } from '../errors';
import { REASON_CODES } from '../verify';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
  })
  .openapi('Problem');

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );

export const ReasonSchema = z
  .strictObject({ code: z.enum(REASON_CODES), message: z.string() })
  .openapi('Reason');

export const CertificateSchema = z
  .strictObject({
    subject: z.string(),
    issuer: z.string(),
    serial: z.string().openapi({ description: 'hex' }),
    sha256: z.string().openapi({ description: 'SHA-256 of the certificate DER, lower hex' }),
    spkiSha256: z.string().openapi({ description: 'SHA-256 of the SubjectPublicKeyInfo DER, lower hex' }),
    notBefore: z.string(),
    notAfter: z.string(),
  })
  .openapi('Certificate');
