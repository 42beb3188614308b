import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN_TOKEN } from '../helpers/test-app';

interface Operation {
  method: string;
  path: string;
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' }>;
  requestBody?: { content: Record<string, unknown> };
  security?: unknown[];
}

let ctx: Awaited<ReturnType<typeof createTestApp>>;
let protectedOperations: Operation[];

beforeAll(async () => {
  ctx = await createTestApp();
  const doc = await (await ctx.app.request('/openapi.json')).json();
  protectedOperations = Object.entries<Record<string, Operation>>(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => (op.security?.length ?? 0) > 0)
      .map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
});
afterAll(() => ctx.close());

const JUNK = '!!not-valid!!';

/** The operation called with junk in every parameter and `body` as its body (of its first media type). */
function call(op: Operation, body: string, authorization?: string) {
  const params = op.parameters ?? [];
  const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(JUNK));
  const query = params
    .filter((p) => p.in === 'query')
    .map((p) => `${p.name}=${encodeURIComponent(JUNK)}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const p of params.filter((p) => p.in === 'header')) headers[p.name] = JUNK;
  if (authorization) headers.authorization = authorization;
  const type = op.requestBody ? Object.keys(op.requestBody.content)[0] : undefined;
  if (type) headers['content-type'] = type;
  return ctx.app.request(`${path}${query ? `?${query}` : ''}`, {
    method: op.method,
    headers,
    ...(type ? { body } : {}),
  });
}

describe('admin routes authenticate before they validate', () => {
  it('walks every route the OpenAPI document marks as needing a token', () => {
    const names = protectedOperations.map((op) => `${op.method} ${op.path}`);
    expect(names.length).toBeGreaterThanOrEqual(25);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /vendors',
        'POST /vendors/{id}/crls',
        'GET /audit',
        'POST /admin/tokens',
      ]),
    );
  });

  describe.each([
    ['no token and a body that is not JSON', '{"malformed": ', undefined],
    ['no token and a body of the wrong shape', '{"unexpected": [1, 2, 3]}', undefined],
    ['an unknown token and a body that is not JSON', '{"malformed": ', 'Bearer tg_unknown_token_0123456789'],
  ])('when a request comes with %s', (_, body, authorization) => {
    it('answers 401 UNAUTHORIZED on every protected route, never 400', async () => {
      const answers: string[] = [];
      for (const op of protectedOperations) {
        const res = await call(op, body, authorization);
        const problem = await res.json();
        answers.push(`${op.method} ${op.path} -> ${res.status} ${problem.code}`);
      }
      expect(answers).toEqual(protectedOperations.map((op) => `${op.method} ${op.path} -> 401 UNAUTHORIZED`));
    });
  });

  describe('when an admin sends the same malformed JSON', () => {
    it('answers 400 on every route with a JSON body (the bodies above really are malformed)', async () => {
      const withJson = protectedOperations.filter((op) => op.requestBody?.content['application/json']);
      expect(withJson.length).toBeGreaterThanOrEqual(10);
      for (const op of withJson) {
        const res = await call(op, '{"malformed": ', `Bearer ${TEST_ADMIN_TOKEN}`);
        expect([op.method, op.path, res.status]).toEqual([op.method, op.path, 400]);
      }
    });
  });
});
