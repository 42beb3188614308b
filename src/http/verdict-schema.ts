import { z } from '@hono/zod-openapi';
import type { VerificationResult } from '../services/verification';
import { CertificateSchema, ReasonSchema } from './schemas';

/**
 * The one definition of the `/verify` response: the OpenAPI document is generated from it, the response
 * type is inferred from it, and `verdictResponse` (the view from the service's result) is typed against
 * it. Objects are strict, so a field the schema lacks fails the schema test instead of reaching clients
 * undocumented.
 */

const StepSchema = z.strictObject({
  n: z.number().int(),
  title: z.string(),
  detail: z.string().openapi({ description: 'Markdown' }),
  text: z.string().openapi({ description: 'The same step as plain text: the facts unescaped' }),
  done: z.boolean().optional(),
});

const CallerContextSchema = z
  .strictObject({
    fileName: z.string().optional(),
    jobUrl: z.string().optional(),
    at: z.string(),
  })
  .openapi('CallerContext', {
    description:
      'what the latest caller that gave any sent with /verify (fileName, jobUrl): plain text, as sent',
  });

export const CaseContextSchema = z
  .strictObject({
    otherVendorRoots: z
      .array(
        z.strictObject({
          vendorId: z.string(),
          vendorName: z.string(),
          sha256: z.string(),
          spkiSha256: z.string(),
          subject: z.string(),
          match: z.enum(['certificate', 'key', 'issuer']),
        }),
      )
      .openapi({
        description:
          "unknown-root cases: another vendor's active root that the chain reaches (the top certificate is it, has its key, or names it as its issuer): the caller probably named the wrong vendor",
      }),
    feedsOnFile: z.number().int().nullable().openapi({
      description:
        "advisory feeds subscribed for the case's vendor (0: no feed on file, so no advisory can match); null when unknown",
    }),
  })
  .openapi('CaseContext');

const EscalationSchema = z
  .strictObject({
    id: z.string(),
    state: z.string().openapi({ description: 'open, resolved, ...' }),
    kind: z.string().openapi({ description: 'unknown-root, unknown-root-overflow, ...' }),
    topCertificate: z.strictObject({ subject: z.string(), sha256: z.string(), spkiSha256: z.string() }),
    verificationsBlocked: z.number().int().optional(),
    firstSeen: z.string().optional(),
    lastSeen: z.string().optional(),
    checklist: z.array(StepSchema),
    overflow: z
      .strictObject({
        verificationsSuppressed: z.number().int(),
        newCasesPerVendor: z.number().int(),
        windowSeconds: z.number().int(),
      })
      .optional()
      .openapi({ description: 'only on an unknown-root-overflow case' }),
    rejection: z
      .strictObject({
        caseId: z.string(),
        actor: z.string(),
        at: z.string(),
        note: z.string().openapi({ description: 'plain text' }),
      })
      .optional()
      .openapi({
        description:
          'only when on-call resolved this root as rejected before: the verdict is `rejected` (ESCALATION_REJECTED) and this (resolved) case is the decision; nothing was opened or paged',
      }),
    context: CaseContextSchema.optional(),
    caller: CallerContextSchema.optional(),
  })
  .openapi('VerdictEscalation');

const SignatureVerdictSchema = z
  .strictObject({
    id: z.string().openapi({
      description:
        'Which signature: "1", "2", ... by its entry in the PE certificate table, "1.1" for the first signature nested in 1, "given" for the one sent as `signature`',
    }),
    verdict: z.enum(['trusted', 'rejected', 'unknown_root']),
    reasons: z.array(ReasonSchema),
    signer: CertificateSchema.nullable(),
    chain: z.array(CertificateSchema),
    anchor: z
      .strictObject({ sha256: z.string(), subject: z.string(), kind: z.enum(['root', 'signer']) })
      .nullable(),
    digestAlgorithm: z.enum(['SHA-256', 'SHA-384', 'SHA-512']).nullable(),
    timestamp: z
      .strictObject({ time: z.string(), kind: z.enum(['rfc3161', 'pkcs9-countersignature']) })
      .optional(),
  })
  .openapi('SignatureVerdict');

export const VerdictSchema = z
  .strictObject({
    verdict: z.enum(['trusted', 'rejected', 'unknown_root']),
    reasons: z.array(ReasonSchema),
    vendor: z.string(),
    verifiedAt: z.string(),
    signer: CertificateSchema.nullable(),
    chain: z.array(CertificateSchema),
    anchor: z
      .strictObject({
        vendor: z.string(),
        sha256: z.string(),
        subject: z.string(),
        kind: z.enum(['root', 'signer']).openapi({
          description:
            '`root`: the chain ends at this root of the vendor; `signer`: the signer certificate itself is a pinned signer of the vendor (no CA vouches for it)',
        }),
      })
      .nullable(),
    escalation: EscalationSchema.nullable(),
    warnings: z.array(ReasonSchema).optional().openapi({
      description:
        'present when something did not decide the verdict but should be known (e.g. revocation unchecked)',
    }),
    signatures: z.array(SignatureVerdictSchema).optional().openapi({
      description:
        'a signed PE file or cabinet (Authenticode): each signature with its own result, nested ones after their parent. The file is trusted when one is trusted and none is broken (docs/authenticode.md)',
    }),
  })
  .openapi('Verdict');

export type VerdictResponse = z.infer<typeof VerdictSchema>;

/** The response body for the service's result: every field named, nothing passed through unseen. */
export function verdictResponse(result: VerificationResult): VerdictResponse {
  return {
    verdict: result.verdict,
    reasons: result.reasons,
    vendor: result.vendor,
    verifiedAt: result.verifiedAt,
    signer: result.signer,
    chain: result.chain,
    anchor: result.anchor,
    escalation: result.escalation,
    ...(result.warnings ? { warnings: result.warnings } : {}),
    ...(result.signatures ? { signatures: result.signatures } : {}),
  };
}
