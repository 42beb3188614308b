import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CMS_FIXTURES, cmsCase, readFixture } from '../../helpers/cms-fixtures';
import { createTestApp, TEST_ADMIN_TOKEN } from '../../helpers/test-app';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The test app with the bootstrap admin, two real admin tokens (alice, bob) and HTTP helpers. */
export async function createAdminTestApp(options: Parameters<typeof createTestApp>[0] = {}) {
  const ctx = await createTestApp(options);
  const call = (method: string, path: string, opts: CallOptions = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    return ctx.app.request(path, {
      method,
      headers,
      ...(opts.body !== undefined
        ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
        : {}),
    });
  };
  const createToken = async (name: string, role: 'admin' | 'oncall' | 'verifier') => {
    const res = await call('POST', '/admin/tokens', {
      token: TEST_ADMIN_TOKEN,
      body: { name, role, reason: `test token for ${name}` },
    });
    if (res.status !== 201) throw new Error(`creating token ${name}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { id: string; token: string };
    return { id: body.id, secret: body.token };
  };
  const alice = (await createToken('alice', 'admin')).secret;
  const bob = (await createToken('bob', 'admin')).secret;

  /** POST /verify (JSON) with a fixture case, optionally for another vendor, time or token. */
  const verify = async (
    caseName: string,
    extra: { vendor?: string; time?: string; token?: string | null } = {},
  ) => {
    const c = cmsCase(caseName);
    const body: Record<string, string> = {
      vendor: extra.vendor ?? c.vendor,
      artifact: Buffer.from(readFixture(c.artifact)).toString('base64'),
      signature: Buffer.from(readFixture(c.signature)).toString('base64'),
    };
    if (extra.time) body.time = extra.time;
    const res = await call('POST', '/verify', { token: extra.token ?? null, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & VerdictBody };
  };
  return { ...ctx, call, createToken, alice, bob, verify };
}

interface VerdictBody {
  verdict: string;
  reasons: Array<{ code: string; message: string }>;
  anchor: { vendor: string; sha256: string } | null;
  verifiedAt: string;
  code?: string;
}

export const fixturePem = (relative: string): string => readFileSync(join(CMS_FIXTURES, relative), 'utf8');

/** The first certificate of a fixture case's chain.pem: the signer, a leaf. */
export const leafPem = (caseName: string): string => {
  const text = fixturePem(`cases/${caseName}/chain.pem`);
  const end = text.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length;
  return `${text.slice(text.indexOf('-----BEGIN CERTIFICATE-----'), end)}\n`;
};

export const ROOTS = {
  acmeRsa: '78359e6875640b1c0e73d475d09774a77c76023757137cbfe826b8c8d99a304b',
  acmeP256: '826f06f8e0eda791a781f2a34302323eb047d9a00c6a7df37b740f79e9823d58',
  globexP384: 'a83caf932924911a8fb235d8bf812d5b546dcd4ed796d6605e7f920e4fcfce82',
  acmeR2: 'f7f3d0604c22db209868dbd81723882cf45c2671c2215bea299b8aa4f9de31bb',
} as const;

export const problem = async (res: Response) => ({
  status: res.status,
  contentType: res.headers.get('content-type'),
  body: (await res.json()) as { code: string; status: number; detail: string; type: string; title: string },
});

export { TEST_ADMIN_TOKEN };
