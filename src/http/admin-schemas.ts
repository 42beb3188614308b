import { z } from '@hono/zod-openapi';
import {
  ANCHOR_KINDS,
  ANCHOR_STATES,
  type AuditRecord,
  REVOCATION_POLICIES,
  TOKEN_ROLES,
  type Vendor,
} from '../trust';
import { vendorRecord } from '../trust/audit-states';
import { IDENTITY_FIELDS } from '../trust/identity-rules';

/** Wire schemas of the admin API (vendors, roots, audit, tokens). */

/** An OpenAPI JSON body or response of `schema`. */
export const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** The `{id}` path parameter of /vendors/{id}/... routes. */
export const VendorIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'acme' }),
});

export const ReasonField = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .openapi({ description: 'why: kept in the audit log', example: 'vendor rotated its CA, ticket SEC-123' });

export const ContactSchema = z
  .object({
    name: z.string().min(1).max(200),
    channel: z.string().min(1).max(50).openapi({ example: 'email' }),
    value: z.string().min(1).max(500),
  })
  .openapi('Contact');

export const IdentityRuleWire = z
  .object({
    field: z.enum(IDENTITY_FIELDS),
    equals: z.string().min(1).max(512).optional(),
    pattern: z.string().min(1).max(512).optional().openapi({
      description:
        'anchored: must match the whole value; * any run of characters, ? one character, \\ escapes the next',
      example: 'Acme * Signing',
    }),
  })
  .openapi('IdentityRule', {
    description: 'every rule of a vendor must hold; a rule holds when one value of its field matches',
  });

export const RevocationPolicyField = z.enum(REVOCATION_POLICIES).openapi({
  description:
    'what a signature without usable revocation information gets: `best-effort` (trusted, with a REVOCATION_UNAVAILABLE warning) or `require` (rejected, REVOCATION_UNAVAILABLE). To `require`: applied at once; back to `best-effort`: proposed for a second admin',
  example: 'require',
});

export const VendorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contacts: z.array(ContactSchema),
    identityRules: z.array(IdentityRuleWire),
    revocationPolicy: RevocationPolicyField,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Vendor');

export const FingerprintsSchema = z.object({
  sha256: z.string(),
  spkiSha256: z.string(),
  sha1: z.string().openapi({ description: 'for reading to a vendor; never used to match' }),
});

export const RootSchema = z
  .object({
    vendor: z.string(),
    sha256: z.string(),
    spkiSha256: z.string(),
    subject: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    state: z.enum(ANCHOR_STATES),
    kind: z.enum(ANCHOR_KINDS).openapi({
      description:
        "`root`: a CA that anchors the paths of the vendor's signers; `signer`: a pinned signer certificate, trusted as the signer itself and for nothing else (GET/POST /vendors/{id}/signers, /signers/{sha256}/...)",
    }),
    distrustAfter: z.string().nullable(),
    keyCompromise: z.boolean().openapi({
      description: 'distrusted for key compromise: no signature under it is trusted, whatever its dates',
    }),
    source: z.enum(['seed', 'api']),
    proposedBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    pem: z.string(),
  })
  .openapi('Root');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: 'the name of the token that acted (or seed)' }),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    vendorId: z.string().nullable(),
    reason: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry');

export const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');

export const bearerSecurity = [{ bearer: [] as string[] }];

export const ETagHeader = {
  ETag: { schema: { type: 'string' as const }, description: 'the version, for If-Match' },
};

export const vendorView = (vendor: Vendor) => ({
  ...vendorRecord(vendor),
  identityRules: vendor.identityRules as z.infer<typeof IdentityRuleWire>[],
});

export const auditView = (entry: AuditRecord) => ({
  ...entry,
  before: entry.before ?? null,
  after: entry.after ?? null,
});
