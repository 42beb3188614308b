import { env, exports } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { createTrustRepository, type Database, schema } from '../../src/db';
import { base64ToBytes } from '../../src/verify';
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
