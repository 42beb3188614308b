import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';

/** The checks GET /ready reports, each `ok`, `failing`, or `unchecked` (it depends on one that failed). */
export const READINESS_CHECKS = ['database', 'migrations', 'seed', 'playbooks'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];
export type CheckState = 'ok' | 'failing' | 'unchecked';

export interface ReadinessReport {
  checks: Record<ReadinessCheck, CheckState>;
  /** Why checks failed, for the server's log (never sent). */
  reasons: string[];
}

/** The readiness port: assembled by bootstrap from the database probe and the platform's start-up. */
export type ReadinessProbe = () => Promise<ReadinessReport>;

/** Seconds a load balancer is told to wait before asking again. */
export const READY_RETRY_AFTER_SECONDS = 5;

const state = z.enum(['ok', 'failing', 'unchecked']);
const checksSchema = z
  .object({ database: state, migrations: state, seed: state, playbooks: state })
  .openapi('ReadinessChecks');

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  summary:
    'Readiness: the database answers and is migrated, the trust store seed imported, the playbooks loaded',
  description:
    "For a load balancer or an orchestrator's readiness probe (GET /health is the liveness check). 200 only when " +
    'the database answers a trivial query (within 2 s: a database that hangs is failing, never waited for), ' +
    'every table and column of the schema exists (the migrations are applied), the trust store seed was imported ' +
    'and the escalation playbooks loaded. Otherwise 503 with `Retry-After`, naming each failing check in ' +
    '`failing` (`unchecked`: not checked because the database did not answer). No token needed; says nothing ' +
    'about the trust data itself.',
  responses: {
    200: {
      description: 'Ready to serve',
      content: {
        'application/json': { schema: z.object({ status: z.literal('ready'), checks: checksSchema }) },
      },
    },
    503: {
      description: 'Not ready: the failing checks are named (with Retry-After)',
      content: {
        'application/json': {
          schema: z.object({
            status: z.literal('not_ready'),
            checks: checksSchema,
            failing: z.array(z.enum(READINESS_CHECKS)),
          }),
        },
      },
    },
  },
});

const ALL_OK: ReadinessReport = {
  checks: { database: 'ok', migrations: 'ok', seed: 'ok', playbooks: 'ok' },
  reasons: [],
};

/** GET /ready over the probe (without one: always ready, as an app with no database to check). */
export function registerReady(app: OpenAPIHono, probe: ReadinessProbe | undefined) {
  app.openapi(readyRoute, async (c) => {
    const report = probe ? await probe() : ALL_OK;
    const failing = READINESS_CHECKS.filter((check) => report.checks[check] === 'failing');
    if (READINESS_CHECKS.every((check) => report.checks[check] === 'ok'))
      return c.json({ status: 'ready' as const, checks: report.checks }, 200);
    console.warn(`not ready: ${report.reasons.join('; ') || failing.join(', ')}`);
    c.header('retry-after', String(READY_RETRY_AFTER_SECONDS));
    return c.json({ status: 'not_ready' as const, checks: report.checks, failing }, 503);
  });
}
