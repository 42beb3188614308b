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

interface ProtectedRoute {
  method: string;
  path: RegExp;
}

/** `/vendors/{id}/roots/{sha256}` as a pattern of one segment per parameter. */
function pathPattern(openApiPath: string): RegExp {
  const parts = openApiPath.split(/\{[^}/]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

function protectedRoutes(app: OpenAPIHono): ProtectedRoute[] {
  const routes: ProtectedRoute[] = [];
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const { method, path, security } = definition.route;
    if (!security || security.length === 0) continue;
    routes.push({ method: method.toUpperCase(), path: pathPattern(path) });
  }
  return routes;
}

/**
 * Middleware for `app.use('*', ...)`, installed before the routes: 401 for a request without a valid token
 * to any route that declares security. The routes are read from the app's OpenAPI registry at the first
 * request, once every route is registered.
 */
export function authenticateFirst(app: OpenAPIHono, auth: Authenticator): MiddlewareHandler {
  let routes: ProtectedRoute[] | null = null;
  return async (c, next) => {
    routes ??= protectedRoutes(app);
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const path = c.req.path;
    if (routes.some((route) => route.method === method && route.path.test(path))) {
      await auth.authenticate(c);
    }
    await next();
  };
}
