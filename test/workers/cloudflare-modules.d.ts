/**
 * The two runtime modules the workers tests import, typed for the repository's one tsconfig (whose DOM
 * and Node globals would clash with @cloudflare/workers-types' global declarations). Only what the tests
 * use; the runtime provides more. See @cloudflare/vitest-pool-workers/types for the full surface.
 */
declare module 'cloudflare:workers' {
  /** The bindings: typed as `TestEnv` by ./helpers.ts (`testEnv`), since a relative import cannot go here. */
  export const env: Record<string, unknown>;
  export const exports: {
    default: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
  };
}

declare module 'cloudflare:test' {
  import type { D1Database, ExecutionContext, ScheduledController } from '@cloudflare/workers-types/index';
  export interface D1Migration {
    name: string;
    queries: string[];
  }
  export function applyD1Migrations(
    db: D1Database,
    migrations: D1Migration[],
    migrationsTableName?: string,
  ): Promise<void>;
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createScheduledController(options?: {
    scheduledTime?: Date;
    cron?: string;
  }): ScheduledController;
}
