import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createConsole } from './console';
import { registerAdvisories } from './http/advisories';
import { registerAudit } from './http/audit';
import { createAuthenticator } from './http/auth';
import { authenticateFirst } from './http/authenticate-first';
import { registerCandidateProposal, registerCandidates } from './http/candidates';
import { registerCrls } from './http/crls';
import { registerEscalations } from './http/escalations';
import { registerFeeds } from './http/feeds';
import type { HasherFactory } from './http/hasher';
import { errorResponse, problemResponse } from './http/problem';
import { type ReadinessProbe, registerReady } from './http/readiness';
import { type BudgetLimits, createRequestBudget, type RequestBudget } from './http/request-budget';
import { type LogPort, requestLog } from './http/request-log';
import { registerRoots, registerSigners } from './http/roots';
import { slicedDigest, slicedDigestParts } from './http/sliced-digest';
import { registerTokens } from './http/tokens';
import { registerVendorChanges } from './http/vendor-changes';
import { registerVendors } from './http/vendors';
import { registerVerify } from './http/verify';
import type { EscalationService } from './services/escalations';
import type { FeedService } from './services/feeds';
import type { TrustAdmin } from './services/trust-admin';
import type { VerificationDeps } from './services/verification';
import type { SessionRepository, TokenRepository } from './trust';
import { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './verify';

export interface AppLimits extends VerifyLimits, BudgetLimits {
  /** Largest request body /verify reads. */
  maxBodyBytes: number;
  /** Largest artifact read whole: JSON (base64) bodies, and multipart artifacts that must be kept. */
  maxArtifactBytes: number;
  /** Largest artifact streamed through a multipart body (hashed as it arrives, never held). */
  maxStreamedArtifactBytes: number;
}

export const DEFAULT_APP_LIMITS: AppLimits = {
  ...DEFAULT_VERIFY_LIMITS,
  maxBodyBytes: 64 * 1024 * 1024 + 2 * 1024 * 1024,
  maxArtifactBytes: 64 * 1024 * 1024,
  maxStreamedArtifactBytes: 4 * 1024 * 1024 * 1024,
  // Sized for a 2-core box: eight 64 MiB artifact copies, or four 64 MiB JSON bodies (counted twice).
  maxBufferedBytes: 512 * 1024 * 1024,
  maxConcurrentVerifications: 8,
  maxQueuedVerifications: 64,
};

const MAX_JSON_BODY_BYTES = 1024 * 1024;
const OWN_BODY_LIMIT = /^\/(verify|vendors\/[^/]+\/crls)\/?$/;

export interface AppDeps {
  /**
   * What a verification needs, assembled by bootstrap.ts: trust reads, clock, crypto, the escalator, the
   * TSA roots and every revocation source. The app adds the limits and, with `createHasher`, sliced hashing.
   */
  verification: Omit<VerificationDeps, 'limits' | 'digest'>;
  subtle: SubtleCrypto;
  now: () => Date;
  /** Incremental hashing for streamed artifacts (Node: node:crypto; Workers: crypto.DigestStream). */
  createHasher?: HasherFactory;
  /** The admin use cases (vendors, roots, tokens, CRL retirement, audit) behind the admin routes. */
  trustAdmin: TrustAdmin;
  /** Escalation cases for the on-call routes; without it those routes are not served. */
  escalations?: EscalationService;
  /** Advisory feeds, candidates and advisories; without it those routes are not served. */
  feeds?: FeedService;
  /** Size, budget and concurrency limits (defaults: DEFAULT_APP_LIMITS). */
  limits?: Partial<AppLimits>;
  /** The request budget, when the platform watches it too (default: one made from `limits`). */
  budget?: RequestBudget;
  /** Reports readiness for GET /health (the store imported, migrations applied). */
  ready?: () => boolean;
  /** The checks behind GET /ready (database, migrations, seed, playbooks); without it /ready is always 200. */
  readiness?: ReadinessProbe;
  /** API tokens (only their hashes). Without it only `adminToken` authenticates. */
  tokens?: TokenRepository;
  /** `ADMIN_TOKEN`: the bootstrap admin, never stored. */
  adminToken?: string;
  /** `REQUIRE_VERIFY_TOKEN=true`: POST /verify needs a verifier (or admin) token. */
  requireVerifyToken?: boolean;
  /** Console sign-ins; without it the console (/console) is not served. */
  sessions?: SessionRepository;
  /** How long a console sign-in lasts (default 8 hours). */
  consoleSessionTtlMs?: number;
  /** One JSON line per request goes here (LOG_REQUESTS); without it none is logged. */
  requestLog?: LogPort;
}

const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'trustgate',
    version: '0.1.0',
    description:
      'Decides whether a software package may be installed: CMS signatures and X.509 chains against vendor roots.',
  },
};

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness: 200 while the process serves',
  description:
    'The liveness check. Node listens only once migrated and seeded, so it answers 200; Workers answer 503 ' +
    '`starting` while the bundled trust store could not be imported yet. GET /ready is the readiness check.',
  responses: {
    200: {
      description: 'Ready',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
    503: {
      description: 'Starting',
      content: { 'application/json': { schema: z.object({ status: z.literal('starting') }) } },
    },
  },
});

export function createApp(deps: AppDeps) {
  const limits = { ...DEFAULT_APP_LIMITS, ...deps.limits };
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        return problemResponse(
          c,
          'INVALID_FIELD',
          result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        );
      }
    },
  });
  app.onError((error, c) => {
    // The route validators' own refusals (malformed JSON, another content type) as problem+json.
    if (error instanceof HTTPException && error.status === 400)
      return problemResponse(c, 'INVALID_JSON', error.message || 'the body cannot be read');
    if (error instanceof HTTPException && error.status === 415)
      return problemResponse(c, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    return errorResponse(c, error);
  });
  app.notFound((c) => problemResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));
  app.use('*', requestLog({ log: deps.requestLog })); // first: every answer carries x-request-id
  // Every JSON route reads at most 1 MiB, before authentication and validation read it; /verify and
  // the CRL upload set their own limits.
  const jsonBodyLimit = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: (c) => problemResponse(c, 'PAYLOAD_TOO_LARGE', `the body is over ${MAX_JSON_BODY_BYTES} bytes`),
  });
  app.use('*', (c, next) => (OWN_BODY_LIMIT.test(c.req.path) ? next() : jsonBodyLimit(c, next)));
  const auth = createAuthenticator({ subtle: deps.subtle, tokens: deps.tokens, adminToken: deps.adminToken });
  // Before every route's validators: a protected route without a valid token is 401, whatever its body.
  app.use('*', authenticateFirst(app, auth));

  app.openapi(healthRoute, (c) => {
    const ready = deps.ready?.() ?? true;
    return ready ? c.json({ status: 'ok' as const }, 200) : c.json({ status: 'starting' as const }, 503);
  });
  registerReady(app, deps.readiness);
  registerVerify(
    app,
    {
      ...deps.verification,
      limits,
      ...(deps.createHasher
        ? { digest: slicedDigest(deps.createHasher), digestParts: slicedDigestParts(deps.createHasher) }
        : {}),
    },
    limits,
    {
      budget: deps.budget ?? createRequestBudget(limits),
      access: { auth, requireToken: deps.requireVerifyToken ?? false },
      createHasher: deps.createHasher,
    },
  );
  const admin = { admin: deps.trustAdmin, auth };
  registerTokens(app, admin);
  registerVendors(app, admin);
  registerVendorChanges(app, admin);
  registerRoots(app, admin);
  registerSigners(app, admin);
  registerAudit(app, admin);
  registerCrls(app, admin);
  if (deps.escalations) registerEscalations(app, { escalations: deps.escalations, auth });
  if (deps.feeds) {
    const feedRoutes = { feeds: deps.feeds, auth, now: deps.now };
    registerFeeds(app, feedRoutes);
    registerCandidates(app, feedRoutes);
    registerCandidateProposal(app, admin);
    registerAdvisories(app, feedRoutes);
  }
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.doc31('/openapi.json', OPENAPI_CONFIG);
  if (deps.sessions) {
    app.route(
      '/console',
      createConsole({
        trustAdmin: deps.trustAdmin,
        escalations: deps.escalations,
        feeds: deps.feeds,
        auth,
        sessions: deps.sessions,
        subtle: deps.subtle,
        now: deps.now,
        random: (bytes) => crypto.getRandomValues(bytes),
        openApiDocument: () => app.getOpenAPI31Document(OPENAPI_CONFIG),
        proposeCandidate: (actor, vendor, id, reason) =>
          deps.trustAdmin.proposeCandidate(actor, { id, vendor }, { reason }),
        sessionTtlMs: deps.consoleSessionTtlMs,
      }),
    );
  }
  return app;
}
