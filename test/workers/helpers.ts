import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { createTrustRepository, type Database, schema } from '../../src/db';
import { base64ToBytes } from '../../src/encoding';
import type { BundledTrustStore, BundledTsaStore } from '../../src/platform/bundled-seed';
import { PLAYBOOK_SOURCES } from '../../src/platform/trust-store-bundle';
import { createWorker } from '../../src/platform/worker-runtime';
import type { WorkerTestCase } from './bindings';
import type { TestEnv } from './test-env';

/** The worker's bindings and the test bindings of vitest.config.ts. */
export const testEnv = env as unknown as TestEnv;

export const fixtures = testEnv.TEST_FIXTURES;

export function fixtureCase(name: string): WorkerTestCase {
  const found = fixtures.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no CMS fixture ${name}`);
  return found;
}

export function bytes(base64: string): Uint8Array {
  const decoded = base64ToBytes(base64);
  if (!decoded) throw new Error('not base64');
  return decoded;
}

/** The worker's own D1, as the tests read and change it. */
export function testDatabase() {
  const db = drizzle(testEnv.DB, { schema }) as unknown as Database;
  return { db, trust: createTrustRepository(db) };
}

export function multipart(fields: Record<string, Uint8Array | string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value)]), `${name}.bin`);
  }
  return form;
}

/** POST /verify through the worker's `fetch` (the `main` module of the workers project). */
export const postVerify = (body: FormData | object) =>
  exports.default.fetch('https://trustgate.test/verify', {
    method: 'POST',
    ...(body instanceof FormData
      ? { body }
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

/** The fields of a fixture case as multipart, checked against `vendor` (default: the case's own). */
export const caseForm = (name: string, vendor?: string) => {
  const c = fixtureCase(name);
  return multipart({
    artifact: bytes(c.artifact),
    signature: bytes(c.signature),
    vendor: vendor ?? c.vendor,
  });
};

export const reasonCodes = (body: { reasons: Array<{ code: string }> }) => body.reasons.map((r) => r.code);

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Any route through the worker's `fetch`, JSON in and out. */
export function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return exports.default.fetch(`https://trustgate.test${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
}

/** A new admin token made by the bootstrap admin (ADMIN_TOKEN, a test binding here). */
export async function createAdmin(name: string): Promise<string> {
  const res = await call('POST', '/admin/tokens', {
    token: testEnv.ADMIN_TOKEN,
    body: { name, role: 'admin', reason: 'workers test' },
  });
  if (res.status !== 201) throw new Error(`creating token ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** POST /verify as JSON for a fixture case, optionally for another vendor, at a given time (admin only). */
export async function verifyCase(
  name: string,
  extra: { vendor?: string; time?: string; token?: string } = {},
) {
  const c = fixtureCase(name);
  const body: Record<string, string> = {
    vendor: extra.vendor ?? c.vendor,
    artifact: c.artifact,
    signature: c.signature,
  };
  if (extra.time) body.time = extra.time;
  const res = await call('POST', '/verify', { token: extra.token ?? null, body });
  return { status: res.status, body: await res.json() };
}

/**
 * A worker built from another trust store than trust-store/ (a fixture tree bundled as the build would
 * bundle it), and a call through its `fetch`, waiting for what it left running.
 */
export function edgeWith(stores: { bundle: BundledTrustStore; tsa: BundledTsaStore }) {
  const edge = createWorker({ bundle: stores.bundle, tsa: stores.tsa, playbooks: PLAYBOOK_SOURCES });
  return async (path: string, init: RequestInit): Promise<Response> => {
    const ctx = createExecutionContext();
    const res = await edge.fetch(new Request(`https://trustgate.test${path}`, init), testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}
