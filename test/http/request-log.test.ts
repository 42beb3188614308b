import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { signInToConsole } from '../helpers/console-client';
import { createTestApp, TEST_ADMIN_TOKEN } from '../helpers/test-app';

// Each line goes through JSON as the platforms write it, so the test reads what an operator would.
const lines: string[] = [];
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp({ log: (line) => lines.push(JSON.stringify(line)) });
});
afterAll(() => ctx.close());
beforeEach(() => {
  lines.length = 0;
});

const bearer = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('request log', () => {
  it('writes one JSON line per request with the matched route pattern, status and duration', async () => {
    const res = await ctx.app.request('/vendors/acme/roots', { headers: bearer });
    expect(res.status).toBe(200);
    expect(lines).toHaveLength(1);
    const [line] = logged();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/vendors/:id/roots',
      status: 200,
    });
    expect(typeof line?.durationMs).toBe('number');
    expect(line?.requestId).toBe(res.headers.get('x-request-id'));
    expect(line).not.toHaveProperty('verdict');
  });

  it('logs the route pattern of a request refused before its handler (401), and the raw path of a 404', async () => {
    await ctx.app.request('/vendors/acme/roots');
    await ctx.app.request('/no/such/thing?token=secret');
    const [refused, missing] = logged();
    expect(refused).toMatchObject({ route: '/vendors/:id/roots', status: 401 });
    expect(missing).toMatchObject({ route: '/no/such/thing', status: 404 });
  });

  it('adds the vendor, verdict and reason codes (codes only) on /verify', async () => {
    const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
    const form = new FormData();
    form.append('vendor', c.vendor);
    form.append('digest', `sha256:${'ab'.repeat(32)}`);
    form.append('signature', new Blob([new Uint8Array(readFixture(c.signature))]), 'sig.bin');
    const res = await ctx.app.request('/verify', { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const [line] = logged();
    expect(line).toMatchObject({ route: '/verify', status: 200, vendor: 'acme', verdict: 'rejected' });
    expect(line?.reasons).toContain('DIGEST_MISMATCH');
    expect(((line?.reasons ?? [1]) as unknown[]).every((r) => typeof r === 'string')).toBe(true);
  });

  it('echoes a well-formed incoming x-request-id and generates one otherwise', async () => {
    const echoed = await ctx.app.request('/health', { headers: { 'x-request-id': 'ci-run_42.7-a' } });
    expect(echoed.headers.get('x-request-id')).toBe('ci-run_42.7-a');
    const generated = await ctx.app.request('/health');
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const other = (await ctx.app.request('/health')).headers.get('x-request-id');
    expect(other).not.toBe(id);
    expect(logged().map((l) => l.requestId)).toEqual(['ci-run_42.7-a', id, other]);
  });

  it('replaces a malformed incoming id', async () => {
    for (const bad of ['', 'a b', 'x'.repeat(65), 'id;drop', '"quoted"', 'a/b', 'line\\nbreak']) {
      const res = await ctx.app.request('/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(logged().every((l) => /^[0-9a-f]{32}$/.test(String(l.requestId)))).toBe(true);
  });

  it('returns the request id on problem+json errors and console pages', async () => {
    const problem = await ctx.app.request('/vendors/acme/roots');
    expect(problem.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const page = await ctx.app.request('/console/sign-in');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const invalid = await ctx.app.request('/verify', {
      method: 'POST',
      body: '{not json',
      headers: { 'content-type': 'application/json' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never logs a token, a session cookie, a query string, a form field or artifact/signature bytes', async () => {
    const consoleUser = await signInToConsole(ctx.app, TEST_ADMIN_TOKEN);
    const sessionValue = consoleUser.cookie.split('=')[1] ?? '';
    expect(sessionValue.length).toBeGreaterThan(8);
    await consoleUser.get('/console');
    const c = cmsCase('rsa2048-sha256-detached-der-trusted');
    const artifact = readFixture(c.artifact);
    const signature = readFixture(c.signature);
    const res = await ctx.app.request('/verify?apikey=query-secret-123', {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json', cookie: consoleUser.cookie },
      body: JSON.stringify({
        vendor: c.vendor,
        artifact: bytesToBase64(artifact),
        signature: bytesToBase64(signature),
        fileName: 'secret-file-name.tar.gz',
        jobUrl: 'https://ci.example/job/secret-job-77',
      }),
    });
    expect((await res.json()).verdict).toBe('trusted');
    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const secret of [
      TEST_ADMIN_TOKEN,
      sessionValue,
      'trustgate_session',
      'trustgate_sign_in',
      'query-secret-123',
      'apikey',
      'secret-file-name',
      'secret-job-77',
      bytesToBase64(artifact).slice(0, 24),
      bytesToBase64(signature).slice(0, 24),
      Buffer.from(artifact.slice(0, 24)).toString('hex'),
      'Bearer',
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const line of logged()) {
      expect(Object.keys(line).sort()).toEqual(
        expect.arrayContaining(['durationMs', 'level', 'method', 'msg', 'requestId', 'route', 'status']),
      );
      expect(
        Object.keys(line).every((k) =>
          [
            'durationMs',
            'level',
            'method',
            'msg',
            'requestId',
            'route',
            'status',
            'vendor',
            'verdict',
            'reasons',
          ].includes(k),
        ),
      ).toBe(true);
    }
  });

  it('LOG_REQUESTS=false writes no line, and the request id is still returned', async () => {
    const quiet: object[] = [];
    const off = await createTestApp({ log: (line) => quiet.push(line), logRequests: false });
    try {
      const res = await off.app.request('/health', { headers: { 'x-request-id': 'kept-id' } });
      expect(res.headers.get('x-request-id')).toBe('kept-id');
      expect(quiet).toEqual([]);
    } finally {
      await off.close();
    }
  });
});
