/**
 * Authentication before validation, for every route at once: a request to a route whose OpenAPI
 * definition declares a security requirement must carry a valid token before anything looks at its
 * body, query or headers (zod-openapi's validators run before a handler, so a handler's own check comes
 * too late: no token and a malformed body would answer 400 and describe the body to anyone). The routes'
 * own definitions drive it, so a route documented as protected cannot be checked in the other order.
 * Roles are still checked by each handler, after this (the principal is looked up once per request).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Authenticator } from './auth';

/** `/vendors/{id}/roots/{sha256}` as a pattern of one segment per parameter. */
function pathPattern(openApiPath: string): string {
  const parts = openApiPath.split(/\{[^}/]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return parts.join('[^/]+');
}

/** Per method, one pattern matching the paths of every route that declares security. */
function protectedPaths(app: OpenAPIHono): Map<string, RegExp> {
  const paths = new Map<string, string[]>();
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path, security } = definition.route;
    if (!security || security.length === 0) continue;
    const key = method.toUpperCase();
    paths.set(key, [...(paths.get(key) ?? []), pathPattern(path)]);
  }
  return new Map([...paths].map(([method, list]) => [method, new RegExp(`^(?:${list.join('|')})$`)]));
}

/**
 * Middleware for `app.use('*', ...)`, installed before the routes: 401 for a request without a valid token
 * to any route that declares security. The routes are read from the app's OpenAPI registry at the first
 * request, once every route is registered.
 */
export function authenticateFirst(app: OpenAPIHono, auth: Authenticator): MiddlewareHandler {
  let paths: Map<string, RegExp> | null = null;
  return async (c, next) => {
    paths ??= protectedPaths(app);
    const pattern = paths.get(c.req.method === 'HEAD' ? 'GET' : c.req.method);
    if (pattern?.test(c.req.path)) await auth.authenticate(c);
    await next();
  };
}
