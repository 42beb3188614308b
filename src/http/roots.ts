import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { TrustgateError } from '../errors';
import type { Anchor } from '../trust';
import { pendingAnchor, readProposedRoot } from '../trust/root-proposal';
import {
  approveRoot,
  distrustForKeyCompromise,
  distrustRoot,
  retireRoot,
  type Transition,
} from '../trust/root-transitions';
import type { Principal } from '../trust/tokens';
import { encodePem, toHex } from '../verify';
import type { AdminDeps } from './admin-deps';
import {
  AuditEntrySchema,
  anchorState,
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
import { tokenLineage } from './token-lineage';

const Sha256Param = z.object({
  sha256: z.string().openapi({
    param: { name: 'sha256', in: 'path' },
    description: 'SHA-256 of the root certificate (hex, colons allowed)',
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

const listRootsRoute = createRoute({
  method: 'get',
  path: '/vendors/{id}/roots',
  summary: "A vendor's roots in every state (admin or oncall)",
  security: bearerSecurity,
  request: { params: VendorIdParam },
  responses: {
    200: { description: 'Roots', ...json(z.object({ roots: z.array(RootSchema) })) },
    ...problemResponses(401, 403, 404),
  },
});

const proposeRootRoute = createRoute({
  method: 'post',
  path: '/vendors/{id}/roots',
  summary: 'Propose a root: it is pending, and anchors nothing until another admin approves it (admin)',
  security: bearerSecurity,
  request: { params: VendorIdParam, body: { required: true, ...json(ProposeSchema) } },
  responses: {
    202: { description: 'Pending approval', headers: ETagHeader, ...json(RootSchema) },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const getRootRoute = createRoute({
  method: 'get',
  path: '/roots/{sha256}',
  summary: 'A root: state, fingerprints and its history from the audit log (admin or oncall)',
  security: bearerSecurity,
  request: { params: Sha256Param, query: VendorQuery },
  responses: {
    200: { description: 'The root', headers: ETagHeader, ...json(RootDetailSchema) },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const actionRoute = (action: 'approve' | 'distrust' | 'retire', summary: string, body: z.ZodType) =>
  createRoute({
    method: 'post',
    path: `/roots/{sha256}/${action}`,
    summary,
    security: bearerSecurity,
    request: {
      params: Sha256Param,
      query: VendorQuery,
      headers: IfMatchHeader,
      body: { required: true, ...json(body) },
    },
    responses: {
      200: { description: 'The root after the change', headers: ETagHeader, ...json(RootSchema) },
      ...problemResponses(400, 401, 403, 404, 409, 412, 422),
    },
  });

const approveRoute = actionRoute(
  'approve',
  'Approve a pending root: it becomes active (admin other than the proposer; 403 SELF_APPROVAL_FORBIDDEN)',
  ReasonOnly,
);
const distrustRoute = actionRoute(
  'distrust',
  'Distrust a root from `after` on, or for key compromise (every signature), at once and by one admin (the safe direction)',
  DistrustSchema,
);
const retireRoute = actionRoute(
  'retire',
  'Retire a root: it anchors nothing from now on (one admin)',
  ReasonOnly,
);

export const normalizeSha256 = (value: string): string | null => {
  const hex = value.replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
};

export const rootView = (anchor: Anchor) => ({
  vendor: anchor.vendorId,
  sha256: anchor.sha256,
  spkiSha256: anchor.spkiSha256,
  subject: anchor.subject,
  notBefore: anchor.notBefore,
  notAfter: anchor.notAfter,
  state: anchor.state,
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

async function findRoot(deps: AdminDeps, sha256Param: string, vendor: string | undefined): Promise<Anchor> {
  const sha256 = normalizeSha256(sha256Param);
  if (!sha256) throw new TrustgateError('INVALID_FIELD', 'sha256 must be 64 hex digits (colons allowed)');
  const found = (await deps.trust.findAnchorsBySha256(sha256)).filter(
    (a) => !vendor || a.vendorId === vendor,
  );
  if (found.length === 0)
    throw new TrustgateError('NOT_FOUND', `no root ${sha256}${vendor ? ` for vendor '${vendor}'` : ''}`);
  if (found.length > 1) {
    throw new TrustgateError(
      'ROOT_AMBIGUOUS',
      `root ${sha256} is on file for ${found.map((a) => a.vendorId).join(', ')}; add ?vendor=<id>`,
    );
  }
  return found[0] as Anchor;
}

async function applyTransition(
  deps: AdminDeps,
  actor: Principal,
  current: Anchor,
  result: Transition,
  action: string,
  reason: string,
): Promise<Anchor> {
  if (!result.ok) throw new TrustgateError(result.code, result.detail);
  const next = result.anchor;
  const written = await deps.trust.updateAnchorAudited(next, current.version, {
    at: next.updatedAt,
    actor: actor.name,
    action,
    targetType: 'anchor',
    targetId: next.sha256,
    vendorId: next.vendorId,
    reason,
    before: anchorState(current),
    after: anchorState(next),
  });
  if (!written) {
    throw new TrustgateError('PRECONDITION_FAILED', 'the root changed while this request ran; read it again');
  }
  return next;
}

export function registerRoots(app: OpenAPIHono, deps: AdminDeps) {
  app.openapi(listRootsRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const id = c.req.valid('param').id;
    if (!(await deps.trust.getVendor(id))) throw new TrustgateError('NOT_FOUND', `no vendor '${id}'`);
    return c.json({ roots: (await deps.trust.listAnchors(id)).map(rootView) }, 200);
  });

  app.openapi(proposeRootRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const id = c.req.valid('param').id;
    const body = c.req.valid('json');
    if (!(await deps.trust.getVendor(id))) throw new TrustgateError('NOT_FOUND', `no vendor '${id}'`);
    const now = deps.now();
    const read = readProposedRoot(body.pem, now);
    if (!read.ok) throw new TrustgateError(read.code, read.detail);
    const existing = await deps.trust.getAnchor(id, read.summary.sha256);
    if (existing) {
      throw new TrustgateError(
        'ROOT_DUPLICATE',
        `vendor '${id}' already has this root (${existing.state}); see GET /roots/${existing.sha256}`,
      );
    }
    const anchor = pendingAnchor(id, read.der, read.summary, actor.name, now);
    try {
      await deps.trust.insertAnchorAudited(anchor, {
        at: anchor.createdAt,
        actor: actor.name,
        action: 'root.propose',
        targetType: 'anchor',
        targetId: anchor.sha256,
        vendorId: id,
        reason: body.reason,
        before: null,
        after: anchorState(anchor),
      });
    } catch (error) {
      // A concurrent proposal of the same root lost the race on the primary key.
      if (await deps.trust.getAnchor(id, anchor.sha256)) {
        throw new TrustgateError('ROOT_DUPLICATE', `vendor '${id}' already has this root`);
      }
      throw error;
    }
    return c.json(rootView(anchor), 202, { ETag: etagOf(anchor.version) });
  });

  app.openapi(getRootRoute, async (c) => {
    await deps.auth.require(c, ROLES.read);
    const anchor = await findRoot(deps, c.req.valid('param').sha256, c.req.valid('query').vendor);
    const sha1 = toHex(new Uint8Array(await deps.subtle.digest('SHA-1', new Uint8Array(anchor.der))));
    const history = deps.audit
      ? await deps.audit.list({ vendorId: anchor.vendorId, targetId: anchor.sha256, limit: 1000 })
      : [];
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

  app.openapi(approveRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const current = await findRoot(deps, c.req.valid('param').sha256, c.req.valid('query').vendor);
    checkIfMatch(c.req.header('if-match'), current.version);
    const { reason } = c.req.valid('json') as z.infer<typeof ReasonOnly>;
    const next = await applyTransition(
      deps,
      actor,
      current,
      approveRoot(current, actor.name, deps.now(), {
        proposer: await tokenLineage(deps, current.proposedBy),
        approver: await tokenLineage(deps, actor.name),
      }),
      'root.approve',
      reason,
    );
    if (deps.onRootActivated) {
      try {
        await deps.onRootActivated(next.vendorId, next);
      } catch (error) {
        console.error('onRootActivated failed (the approval stands)', error);
      }
    }
    return c.json(rootView(next), 200, { ETag: etagOf(next.version) });
  });

  app.openapi(distrustRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const current = await findRoot(deps, c.req.valid('param').sha256, c.req.valid('query').vendor);
    checkIfMatch(c.req.header('if-match'), current.version);
    const { after, keyCompromise, reason } = c.req.valid('json') as z.infer<typeof DistrustSchema>;
    const now = deps.now();
    const next = keyCompromise
      ? await applyTransition(
          deps,
          actor,
          current,
          distrustForKeyCompromise(current, after ? new Date(after) : null, now),
          'root.distrust.key_compromise',
          reason,
        )
      : await applyTransition(
          deps,
          actor,
          current,
          distrustRoot(current, new Date(after as string), now),
          'root.distrust',
          reason,
        );
    return c.json(rootView(next), 200, { ETag: etagOf(next.version) });
  });

  app.openapi(retireRoute, async (c) => {
    const actor = await deps.auth.require(c, ROLES.write);
    const current = await findRoot(deps, c.req.valid('param').sha256, c.req.valid('query').vendor);
    checkIfMatch(c.req.header('if-match'), current.version);
    const { reason } = c.req.valid('json') as z.infer<typeof ReasonOnly>;
    const next = await applyTransition(
      deps,
      actor,
      current,
      retireRoot(current, deps.now()),
      'root.retire',
      reason,
    );
    return c.json(rootView(next), 200, { ETag: etagOf(next.version) });
  });
}
