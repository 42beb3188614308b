import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { errorResponse, problemResponse } from './http/problem';
import { registerVerify } from './http/verify';
import type { Escalator } from './services/verification';
import type { TrustRepository } from './trust';
import { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './verify';

export interface AppLimits extends VerifyLimits {
  /** Largest request body /verify reads. */
  maxBodyBytes: number;
  maxArtifactBytes: number;
}

export const DEFAULT_APP_LIMITS: AppLimits = {
  ...DEFAULT_VERIFY_LIMITS,
  maxBodyBytes: 64 * 1024 * 1024 + 2 * 1024 * 1024,
  maxArtifactBytes: 64 * 1024 * 1024,
};

export interface AppDeps {
  trust: TrustRepository;
  subtle: SubtleCrypto;
  now: () => Date;
  escalate: Escalator;
  limits?: Partial<AppLimits>;
  /** Reports readiness for GET /health (the store imported, migrations applied). */
  ready?: () => boolean;
}

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Readiness: 200 once migrations ran and the trust store was imported',
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
  app.onError((error, c) => errorResponse(c, error));
  app.notFound((c) => problemResponse(c, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`));

  app.openapi(healthRoute, (c) => {
    const ready = deps.ready?.() ?? true;
    return ready ? c.json({ status: 'ok' as const }, 200) : c.json({ status: 'starting' as const }, 503);
  });
  registerVerify(
    app,
    { trust: deps.trust, subtle: deps.subtle, now: deps.now, limits, escalate: deps.escalate },
    limits,
  );

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'trustgate',
      version: '0.1.0',
      description:
        'Decides whether a software package may be installed: CMS signatures and X.509 chains against vendor roots.',
    },
  });
  return app;
}
