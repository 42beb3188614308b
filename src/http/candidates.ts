import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { StoredCandidate, StoredProvenance } from '../advisories';
import { ANCHOR_STATES, type Anchor } from '../trust';
import type { AdminDeps, FeedRouteDeps } from './admin-deps';
import { bearerSecurity, ETagHeader, json, ReasonField, RootSchema } from './admin-schemas';
import { ROLES } from './auth';
import { etagOf } from './etag';
import { rootView } from './roots';
import { problemResponses } from './schemas';

const ProvenanceSchema = z
  .object({
    feedId: z.string(),
    feedUrl: z.string(),
    itemGuid: z.string(),
    itemTitle: z.string(),
    itemLink: z.string().nullable(),
    fetchedAt: z.string(),
    contentHash: z.string().openapi({ description: 'SHA-256 of the item as fetched' }),
  })
  .openapi('CandidateProvenance');

export const CandidateSchema = z
  .object({
    id: z.string().openapi({
      description:
        'the candidate within its vendor: the certificate SHA-256, or `sha256:<hex>` / `sha1:<hex>` for a fingerprint hint (POST /candidates/{id}/propose?vendor=)',
    }),
    vendor: z.string(),
    kind: z.enum(['certificate', 'fingerprint']),
    sha256: z.string().nullable().openapi({
      description: 'certificate SHA-256; for a SHA-256 fingerprint hint, the hint (certificate or SPKI)',
    }),
    spkiSha256: z.string().nullable(),
    sha1: z.string().nullable(),
    algorithm: z.enum(['sha256', 'sha1']).nullable().openapi({ description: 'fingerprint hints only' }),
    subject: z.string().nullable(),
    issuer: z.string().nullable(),
    notBefore: z.string().nullable(),
    notAfter: z.string().nullable(),
    selfIssued: z.boolean().nullable(),
    corroborated: z.boolean().openapi({
      description:
        'an active root of the same vendor cross-signed this key (the signature verified); still not trusted',
    }),
    corroboration: z
      .object({ rootSha256: z.string(), rootSubject: z.string(), crossSignSha256: z.string() })
      .nullable(),
    announcedInText: z.boolean(),
    sameKeyCertificates: z.array(z.object({ sha256: z.string(), subject: z.string(), issuer: z.string() })),
    pem: z.string().nullable().openapi({
      description:
        'to propose it: POST /candidates/{id}/propose?vendor= {reason} (or POST /vendors/{id}/roots {pem, reason})',
    }),
    context: z.string().nullable().openapi({ description: 'fingerprint hints: the text around it' }),
    provenance: z
      .array(ProvenanceSchema)
      .openapi({ description: 'every item that announced it, first one first' }),
    root: z
      .object({ sha256: z.string(), state: z.enum(ANCHOR_STATES) })
      .nullable()
      .openapi({
        description:
          "the vendor's root of the same certificate or key, if one is on file (proposed or approved)",
      }),
    firstSeen: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Candidate');

const provenanceView = (p: StoredProvenance) => ({
  feedId: p.feedId,
  feedUrl: p.feedUrl,
  itemGuid: p.itemGuid,
  itemTitle: p.itemTitle,
  itemLink: p.itemLink,
  fetchedAt: p.fetchedAt,
  contentHash: p.contentHash,
});

export const candidateView = (
  c: StoredCandidate & { root: { sha256: string; state: Anchor['state'] } | null },
): z.infer<typeof CandidateSchema> => {
  const d = c.data;
  const provenance = [d.provenance, ...d.otherProvenance].map(provenanceView);
  const common = {
    id: c.key,
    vendor: c.vendorId,
    corroborated: d.corroborated,
    provenance,
    root: c.root,
    firstSeen: c.createdAt,
    updatedAt: c.updatedAt,
  };
  if (d.kind === 'certificate') {
    return {
      ...common,
      kind: 'certificate',
      sha256: d.sha256,
      spkiSha256: d.spkiSha256,
      sha1: d.sha1,
      algorithm: null,
      subject: d.subject,
      issuer: d.issuer,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
      selfIssued: d.selfIssued,
      corroboration: d.corroboration,
      announcedInText: d.announcedInText,
      sameKeyCertificates: d.sameKeyCertificates.map(({ sha256, subject, issuer }) => ({
        sha256,
        subject,
        issuer,
      })),
      pem: d.pem,
      context: null,
    };
  }
  return {
    ...common,
    kind: 'fingerprint',
    sha256: d.algorithm === 'sha256' ? d.hex : null,
    spkiSha256: null,
    sha1: d.algorithm === 'sha1' ? d.hex : null,
    algorithm: d.algorithm === 'sha1' ? 'sha1' : 'sha256',
    subject: null,
    issuer: null,
    notBefore: null,
    notAfter: null,
    selfIssued: null,
    corroboration: null,
    announcedInText: true,
    sameKeyCertificates: [],
    pem: null,
    context: d.context,
  };
};

const listRoute = createRoute({
  method: 'get',
  path: '/candidates',
  summary:
    'Candidate roots that advisories announced, with provenance; never trusted by themselves (admin or oncall)',
  security: bearerSecurity,
  request: {
    query: z.object({
      vendor: z.string().max(64).optional(),
      corroborated: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Candidates',
      content: { 'application/json': { schema: z.object({ candidates: z.array(CandidateSchema) }) } },
    },
    ...problemResponses(400, 401, 403),
  },
});

const CandidateIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: "the candidate's `id` (its certificate SHA-256, hex, colons allowed)",
    }),
});

const ProposeCandidateSchema = z.object({ reason: ReasonField }).strict().openapi('ProposeCandidate');

const proposeRoute = createRoute({
  method: 'post',
  path: '/candidates/{id}/propose',
  summary:
    "Propose a candidate's certificate as a pending root of its vendor: it anchors nothing until another admin approves it (POST /roots/{sha256}/approve); the audit entry records the candidate and its feed item (admin)",
  security: bearerSecurity,
  request: {
    params: CandidateIdParam,
    query: z.object({
      vendor: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'the vendor, when more than one was announced the candidate' }),
    }),
    body: { required: true, ...json(ProposeCandidateSchema) },
  },
  responses: {
    202: {
      description: 'The pending root (as POST /vendors/{id}/roots answers it); Location: the root',
      headers: {
        ...ETagHeader,
        Location: { schema: { type: 'string' as const }, description: '/roots/{sha256}?vendor={vendor}' },
      },
      ...json(RootSchema),
    },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

/** `POST /candidates/{id}/propose`: the trust admin's `proposeCandidate`, for the write (admin) role. */
export function registerCandidateProposal(app: OpenAPIHono, { admin, auth }: AdminDeps) {
  app.openapi(proposeRoute, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const anchor = await admin.proposeCandidate(
      actor,
      { id: c.req.valid('param').id, vendor: c.req.valid('query').vendor },
      c.req.valid('json'),
    );
    return c.json(rootView(anchor), 202, {
      ETag: etagOf(anchor.version),
      Location: `/roots/${anchor.sha256}?vendor=${encodeURIComponent(anchor.vendorId)}`,
    });
  });
}

export function registerCandidates(app: OpenAPIHono, deps: FeedRouteDeps) {
  app.openapi(listRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const { vendor, corroborated } = c.req.valid('query');
    const rows = await deps.feeds.listCandidates(vendor ? { vendorId: vendor } : {});
    const list = rows
      .map(candidateView)
      .filter((v) => corroborated === undefined || v.corroborated === (corroborated === 'true'));
    return c.json({ candidates: list }, 200);
  });
}
