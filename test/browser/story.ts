import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_ADMIN_TOKEN } from '../helpers/test-app';

/**
 * The README's story over HTTP, for browser tests and the screenshot script: the demonstration JAR,
 * signed under a root the seeded store does not have, sent to a real POST /verify (which answers
 * unknown_root and opens a case), and that root proposed by an admin (pending a second one).
 */

const ROOT = join(import.meta.dirname, '../..');
export const DEMO_JAR = join(ROOT, 'test/fixtures/jar/jars/signed-rsa-trusted.jar');
export const DEMO_JAR_ROOT_PEM = join(ROOT, 'test/fixtures/jar/trust-store/acme/acme-jar-root.pem');
export const DEMO_VENDOR = 'acme';

/** A JSON API call with a bearer token; throws on a non-2xx answer. */
export async function apiCall(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Issues a token with the bootstrap admin token and returns its secret. */
export async function issueTokenSecret(
  baseUrl: string,
  name: string,
  role: 'admin' | 'oncall' | 'verifier',
  reason = `${name} (${role}), browser test`,
): Promise<string> {
  const created = await apiCall(baseUrl, 'POST', '/admin/tokens', TEST_ADMIN_TOKEN, { name, role, reason });
  return String(created.token);
}

/** POST /verify of the demonstration JAR as a pipeline sends it (multipart, no token): the case's id. */
export async function openDemoJarCase(baseUrl: string): Promise<string> {
  const form = new FormData();
  form.set('vendor', DEMO_VENDOR);
  form.set('artifact', new Blob([await readFile(DEMO_JAR)]), 'widget.jar');
  const verdict = (await (await fetch(`${baseUrl}/verify`, { method: 'POST', body: form })).json()) as {
    verdict: string;
    escalation?: { id: string } | null;
  };
  if (verdict.verdict !== 'unknown_root' || !verdict.escalation) {
    throw new Error(`expected an unknown_root case, got ${JSON.stringify(verdict).slice(0, 300)}`);
  }
  return verdict.escalation.id;
}

/** The demonstration JAR's root proposed for its vendor by `adminToken`: its SHA-256 (pending). */
export async function proposeDemoJarRoot(
  baseUrl: string,
  adminToken: string,
  caseId: string,
): Promise<string> {
  const proposed = await apiCall(baseUrl, 'POST', `/vendors/${DEMO_VENDOR}/roots`, adminToken, {
    pem: await readFile(DEMO_JAR_ROOT_PEM, 'utf8'),
    reason: `Acme JAR signing root, sent by Acme PSIRT for case ${caseId}`,
  });
  return String(proposed.sha256);
}
