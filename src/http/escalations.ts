import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CASE_STATES } from '../escalation';
import type { EscalationService } from '../services/escalations';
import type { Authenticator } from './auth';
import { problemResponses } from './schemas';
import { CaseContextSchema } from './verdict-schema';

const ON_CALL = ['admin', 'oncall'] as const;

const CaseSchema = z.object({}).passthrough().openapi('EscalationCase');
const StepSchema = z.object({
  n: z.number().int(),
  title: z.string(),
  detail: z.string().openapi({ description: 'Markdown' }),
  text: z.string().openapi({ description: 'The same step as plain text: the facts unescaped' }),
  done: z.boolean(),
});
const CaseWithChecklist = z
  .object({
    case: CaseSchema,
    checklist: z.array(StepSchema),
    markdown: z.string(),
    context: CaseContextSchema.optional(),
  })
  .openapi('EscalationCaseDetail');
const IdParam = z.object({ id: z.string().min(1).max(100) });
const security = [{ bearer: [] }];

const listRoute = createRoute({
  method: 'get',
  path: '/escalations',
  summary: 'Escalation cases, newest change first (role oncall or admin)',
  security,
  request: {
    query: z.object({
      state: z.enum(CASE_STATES).optional(),
      vendor: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Cases',
      content: { 'application/json': { schema: z.object({ cases: z.array(CaseSchema) }) } },
    },
    ...problemResponses(400, 401, 403),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/escalations/{id}',
  summary: 'One case with its rendered checklist; Markdown with Accept: text/markdown',
  security,
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The case',
      content: { 'application/json': { schema: CaseWithChecklist }, 'text/markdown': { schema: z.string() } },
    },
    ...problemResponses(401, 403, 404),
  },
});

const stepRoute = createRoute({
  method: 'post',
  path: '/escalations/{id}/steps/{n}',
  summary: 'Mark a checklist step done or not done',
  security,
  request: {
    params: IdParam.extend({ n: z.coerce.number().int().min(1).max(100) }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ done: z.boolean(), note: z.string().max(2000).optional() }),
        },
      },
    },
  },
  responses: {
    200: { description: 'The updated case', content: { 'application/json': { schema: CaseWithChecklist } } },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const resolveRoute = createRoute({
  method: 'post',
  path: '/escalations/{id}/resolve',
  summary: 'Close the case: the root was approved, or the signature is rejected',
  security,
  request: {
    params: IdParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            outcome: z.enum(['approved', 'rejected']),
            note: z.string().max(2000).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'The resolved case', content: { 'application/json': { schema: CaseWithChecklist } } },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function registerEscalations(
  app: OpenAPIHono,
  deps: { escalations: EscalationService; auth: Authenticator },
) {
  const { escalations, auth } = deps;
  const detail = async (id: string) => {
    const { case: c, rendered } = await escalations.get(id);
    return {
      case: c,
      checklist: rendered.checklist,
      markdown: rendered.markdown,
      ...(rendered.context ? { context: rendered.context } : {}),
    };
  };

  app.openapi(listRoute, async (c) => {
    await auth.require(c, ON_CALL);
    const query = c.req.valid('query');
    const cases = await escalations.list({
      ...(query.state ? { state: query.state } : {}),
      ...(query.vendor ? { vendorId: query.vendor } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
    });
    return c.json({ cases }, 200);
  });

  app.openapi(getRoute, async (c) => {
    await auth.require(c, ON_CALL);
    const body = await detail(c.req.valid('param').id);
    if ((c.req.header('accept') ?? '').includes('text/markdown')) {
      return c.body(body.markdown, 200, { 'content-type': 'text/markdown; charset=utf-8' });
    }
    return c.json(body, 200);
  });

  app.openapi(stepRoute, async (c) => {
    const principal = await auth.require(c, ON_CALL);
    const { id, n } = c.req.valid('param');
    const { done, note } = c.req.valid('json');
    await escalations.markStep(id, n, {
      done,
      ...(note !== undefined ? { note } : {}),
      actor: principal.name,
    });
    return c.json(await detail(id), 200);
  });

  app.openapi(resolveRoute, async (c) => {
    const principal = await auth.require(c, ON_CALL);
    const { id } = c.req.valid('param');
    const { outcome, note } = c.req.valid('json');
    await escalations.resolve(id, {
      outcome,
      ...(note !== undefined ? { note } : {}),
      actor: principal.name,
    });
    return c.json(await detail(id), 200);
  });
}
