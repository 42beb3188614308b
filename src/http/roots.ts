import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Anchor, type AnchorKind, anchorKind } from '../trust';
import { encodePem } from '../verify';
import type { AdminDeps } from './admin-deps';
import {
  AuditEntrySchema,
  auditView,
  bearerSecurity,
  ETagHeader,
  FingerprintsSchema,
  json,
  ReasonField,
  RootSchema,
  VendorIdParam,
} from './admin-schemas';
import { ROLES } from './auth';
import { checkIfMatch, etagOf } from './etag';
import { problemResponses } from './schemas';

const Sha256Param = z.object({
  sha256: z.string().openapi({
    param: { name: 'sha256', in: 'path' },
    description: 'SHA-256 of the certificate (hex, colons allowed)',
  }),
});
const VendorQuery = z.object({
  vendor: z
    .string()
    .optional()
    .openapi({ description: 'the vendor, when the same root is on file for more than one' }),
});
const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'the ETag you read; a stale one is refused with 412' }),
});

const RootDetailSchema = RootSchema.extend({
  fingerprints: FingerprintsSchema,
  history: z.array(AuditEntrySchema),
}).openapi('RootDetail');

const ProposeSchema = z
  .object({
    pem: z.string().min(1).max(65_536).openapi({ description: 'one PEM CERTIFICATE' }),
    reason: ReasonField,
  })
  .strict()
  .openapi('ProposeRoot');
const ReasonOnly = z.object({ reason: ReasonField }).strict().openapi('RootAction');
const DistrustSchema = z
  .object({
    after: z.string().datetime({ offset: true }).optional().openapi({
      description:
        'signatures whose signer certificate was issued (notBefore) or trusted-timestamped at or after this instant no longer chain to the root; earlier ones still do. Required unless keyCompromise is true (then it only records since when the key is known compromised; default now)',
      example: '2026-03-01T00:00:00Z',
    }),
    keyCompromise: z.boolean().optional().openapi({
      description:
        "true: the root's key is (or may be) in other hands, so no signature under it is trusted, whatever its dates or timestamp (anyone with the key can backdate both). Irreversible: such a root never goes back to a date-limited distrust",
    }),
    reason: ReasonField,
  })
  .strict()
  .refine((body) => body.keyCompromise === true || body.after !== undefined, {
    message: 'after is required unless keyCompromise is true',
    path: ['after'],
  })
  .openapi('DistrustRoot');

/** Wording of the routes of one kind of anchor: `/roots/...` or `/signers/...` (pinned signers). */
const WORDS = {
  root: { plural: 'roots', one: 'root', listed: 'Roots' },
  signer: { plural: 'signers', one: 'pinned signer', listed: 'Pinned signers' },
} as const;

function anchorRoutes(kind: AnchorKind) {
  const w = WORDS[kind];
  const listRoute = createRoute({
    method: 'get',
    path: `/vendors/{id}/${w.plural}`,
    summary:
      kind === 'root'
        ? "A vendor's roots in every state (admin or oncall)"
        : "A vendor's pinned signer certificates in every state (admin or oncall)",
    security: bearerSecurity,
    request: { params: VendorIdParam },
    responses: {
      200: { description: w.listed, ...json(z.object({ [w.plural]: z.array(RootSchema) })) },
      ...problemResponses(401, 403, 404),
    },
  });

  const proposeRoute = createRoute({
    method: 'post',
    path: `/vendors/{id}/${w.plural}`,
    summary:
      kind === 'root'
        ? 'Propose a root: it is pending, and anchors nothing until another admin approves it (admin)'
        : 'Propose a pinned signer certificate (trusted as the signer itself, CA or not, self-signed or not): it is pending, and vouches for nothing until another admin approves it (admin)',
    security: bearerSecurity,
    request: { params: VendorIdParam, body: { required: true, ...json(ProposeSchema) } },
    responses: {
      202: { description: 'Pending approval', headers: ETagHeader, ...json(RootSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 422),
    },
  });

  const getRoute = createRoute({
    method: 'get',
    path: `/${w.plural}/{sha256}`,
    summary: `A ${w.one}: state, fingerprints and its history from the audit log (admin or oncall)`,
    security: bearerSecurity,
    request: { params: Sha256Param, query: VendorQuery },
    responses: {
      200: { description: `The ${w.one}`, headers: ETagHeader, ...json(RootDetailSchema) },
      ...problemResponses(400, 401, 403, 404, 409),
    },
  });

  const actionRoute = (action: 'approve' | 'distrust' | 'retire', summary: string, body: z.ZodType) =>
    createRoute({
      method: 'post',
      path: `/${w.plural}/{sha256}/${action}`,
      summary,
      security: bearerSecurity,
      request: {
        params: Sha256Param,
        query: VendorQuery,
        headers: IfMatchHeader,
        body: { required: true, ...json(body) },
      },
      responses: {
        200: { description: `The ${w.one} after the change`, headers: ETagHeader, ...json(RootSchema) },
        ...problemResponses(400, 401, 403, 404, 409, 412, 422),
      },
    });

  return {
    list: listRoute,
    propose: proposeRoute,
    get: getRoute,
    approve: actionRoute(
      'approve',
      `Approve a pending ${w.one}: it becomes active (admin other than the proposer; 403 SELF_APPROVAL_FORBIDDEN)`,
      ReasonOnly,
    ),
    distrust: actionRoute(
      'distrust',
      `Distrust a ${w.one} from \`after\` on, or for key compromise (every signature), at once and by one admin (the safe direction)`,
      DistrustSchema,
    ),
    retire: actionRoute(
      'retire',
      `Retire a ${w.one}: it ${kind === 'root' ? 'anchors' : 'vouches for'} nothing from now on (one admin)`,
      ReasonOnly,
    ),
  };
}

export const rootView = (anchor: Anchor) => ({
  vendor: anchor.vendorId,
  sha256: anchor.sha256,
  spkiSha256: anchor.spkiSha256,
  subject: anchor.subject,
  notBefore: anchor.notBefore,
  notAfter: anchor.notAfter,
  state: anchor.state,
  kind: anchorKind(anchor),
  distrustAfter: anchor.distrustAfter,
  keyCompromise: anchor.keyCompromise,
  source: anchor.source,
  proposedBy: anchor.proposedBy,
  approvedBy: anchor.approvedBy,
  version: anchor.version,
  createdAt: anchor.createdAt,
  updatedAt: anchor.updatedAt,
  pem: encodePem('CERTIFICATE', anchor.der),
});

export const registerRoots = (app: OpenAPIHono, deps: AdminDeps) => registerAnchors(app, deps, 'root');

/** The pinned signer routes: the roots' routes under /vendors/{id}/signers and /signers/{sha256}/... */
export const registerSigners = (app: OpenAPIHono, deps: AdminDeps) => registerAnchors(app, deps, 'signer');

function registerAnchors(app: OpenAPIHono, { admin, auth }: AdminDeps, kind: AnchorKind) {
  const routes = anchorRoutes(kind);
  const plural = WORDS[kind].plural;
  const ops =
    kind === 'root'
      ? {
          list: admin.listRoots,
          get: admin.getRoot,
          propose: admin.proposeRoot,
          approve: admin.approveRoot,
          distrust: admin.distrustRoot,
          retire: admin.retireRoot,
        }
      : {
          list: admin.listSigners,
          get: admin.getSigner,
          propose: admin.proposeSigner,
          approve: admin.approveSigner,
          distrust: admin.distrustSigner,
          retire: admin.retireSigner,
        };
  app.openapi(routes.list, async (c) => {
    await auth.require(c, ROLES.read);
    const anchors = await ops.list(c.req.valid('param').id);
    return c.json({ [plural]: anchors.map(rootView) }, 200);
  });

  app.openapi(routes.propose, async (c) => {
    const actor = await auth.require(c, ROLES.write);
    const anchor = await ops.propose(actor, c.req.valid('param').id, c.req.valid('json'));
    return c.json(rootView(anchor), 202, { ETag: etagOf(anchor.version) });
  });

  app.openapi(routes.get, async (c) => {
    await auth.require(c, ROLES.read);
    const { anchor, sha1, history } = await ops.get({
      sha256: c.req.valid('param').sha256,
      vendor: c.req.valid('query').vendor,
    });
    return c.json(
      {
        ...rootView(anchor),
        fingerprints: { sha256: anchor.sha256, spkiSha256: anchor.spkiSha256, sha1 },
        history: history.map(auditView),
      },
      200,
      { ETag: etagOf(anchor.version) },
    );
  });

  /** Holds a state change to the If-Match the caller sent (412 when stale). */
  const ifMatch = (c: Context) => (version: number) => checkIfMatch(c.req.header('if-match'), version);

  /** A state change of one anchor: the write role, the anchor its path and query name, If-Match held. */
  const registerChange = (
    route: typeof routes.approve,
    change: (
      actor: Awaited<ReturnType<typeof auth.require>>,
      ref: { sha256: string; vendor: string | undefined },
      body: unknown,
      check: ReturnType<typeof ifMatch>,
    ) => Promise<Anchor>,
  ) =>
    app.openapi(route, async (c) => {
      const actor = await auth.require(c, ROLES.write);
      const ref = { sha256: c.req.valid('param').sha256, vendor: c.req.valid('query').vendor };
      const next = await change(actor, ref, c.req.valid('json'), ifMatch(c));
      return c.json(rootView(next), 200, { ETag: etagOf(next.version) });
    });

  registerChange(routes.approve, (actor, ref, body, check) =>
    ops.approve(actor, ref, body as z.infer<typeof ReasonOnly>, check),
  );
  registerChange(routes.distrust, (actor, ref, body, check) =>
    ops.distrust(actor, ref, body as z.infer<typeof DistrustSchema>, check),
  );
  registerChange(routes.retire, (actor, ref, body, check) =>
    ops.retire(actor, ref, body as z.infer<typeof ReasonOnly>, check),
  );
}
