import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli';
import { fakeIo, json, problem, SERVER_ENV, textOf } from './fake-io';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const ROOT = { sha256: 'ef'.repeat(32), state: 'proposed' };
const ENV = { ...SERVER_ENV, TRUSTGATE_TOKEN: 'admin-token' };

describe('runCli admin and on-call commands', () => {
  describe('when listing cases', () => {
    it.each([
      [[], '/escalations'],
      [['--state', 'open'], '/escalations?state=open'],
      [
        ['--vendor', 'acme corp&x', '--state', 'resolved'],
        '/escalations?state=resolved&vendor=acme+corp%26x',
      ],
    ])('cases %j gets %s', async (options, path) => {
      const io = fakeIo({ env: ENV, replies: [() => json({ cases: [] })] });
      expect(await runCli(['cases', ...options], io)).toBe(0);
      expect(io.requests[0]).toMatchObject({ method: 'GET', url: `http://127.0.0.1:8787${path}` });
      expect(io.requests[0]?.headers.authorization).toBe('Bearer admin-token');
      expect(io.out()).toBe('no cases\n');
    });

    it('refuses a state other than open or resolved without asking the server', async () => {
      const io = fakeIo({ env: ENV });
      expect(await runCli(['cases', '--state', 'closed'], io)).toBe(3);
      expect(io.err()).toContain('USAGE: --state is open or resolved');
      expect(io.requests).toHaveLength(0);
    });
  });

  describe('when reading one case', () => {
    it('asks for Markdown at the percent-encoded id and prints it without control characters', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [
          () =>
            new Response('# Case esc_1\n\n- [ ] check \u001b[2J the root\n', {
              headers: { 'content-type': 'text/markdown' },
            }),
        ],
      });
      expect(await runCli(['case', 'esc/../1 x'], io)).toBe(0);
      expect(io.requests[0]?.url).toBe('http://127.0.0.1:8787/escalations/esc%2F..%2F1%20x');
      expect(io.requests[0]?.headers.accept).toBe('text/markdown');
      expect(io.out()).toBe('# Case esc_1\n\n- [ ] check U+001B[2J the root\n');
    });

    it('asks for JSON with --json', async () => {
      const io = fakeIo({ env: ENV, replies: [() => json({ id: 'esc_1', state: 'open' })] });
      expect(await runCli(['case', 'esc_1', '--json'], io)).toBe(0);
      expect(io.requests[0]?.headers.accept).toBe('application/json');
      expect(JSON.parse(io.out())).toEqual({ id: 'esc_1', state: 'open' });
    });

    it('fences the document with stop-commands in GitHub Actions, so no line of it is a workflow command', async () => {
      const io = fakeIo({
        env: { ...ENV, GITHUB_ACTIONS: 'true' },
        replies: [
          () =>
            new Response('::error::not from trustgate\n', { headers: { 'content-type': 'text/markdown' } }),
        ],
      });
      await runCli(['case', 'esc_1'], io);
      const [first, body, last] = io.out().trimEnd().split('\n');
      const token = /^::stop-commands::([0-9a-f]{32})$/.exec(first ?? '')?.[1];
      expect(token).toBeDefined();
      expect(body).toBe('::error::not from trustgate');
      expect(last).toBe(`::${token}::`);
    });

    it('exits 3 with the code of a 404 problem, and 4 when the server is not trustgate', async () => {
      const missing = fakeIo({ env: ENV, replies: [() => problem(404, 'NOT_FOUND', 'no case esc_9')] });
      expect(await runCli(['case', 'esc_9'], missing)).toBe(3);
      expect(missing.err()).toBe('trustgate: NOT_FOUND: no case esc_9\n');
      const proxy = fakeIo({ env: ENV, replies: [() => new Response('gateway', { status: 502 })] });
      expect(await runCli(['case', 'esc_9'], proxy)).toBe(4);
      expect(proxy.err()).toContain('SERVER_FAILED');
    });
  });

  describe('when proposing and approving roots', () => {
    it('posts the PEM and the reason to /vendors/ID/roots', async () => {
      const io = fakeIo({ files: { 'root.pem': PEM }, env: ENV, replies: [() => json(ROOT, 201)] });
      const code = await runCli(
        ['roots', 'propose', '--vendor', 'acme/eu', '--reason', 'new root, ticket 12', 'root.pem'],
        io,
      );
      expect(code).toBe(0);
      const request = io.requests[0];
      expect(request).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8787/vendors/acme%2Feu/roots' });
      expect(request?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(textOf(request?.body))).toEqual({ pem: PEM, reason: 'new root, ticket 12' });
      expect(io.out()).toContain(`trustgate roots approve ${ROOT.sha256} --reason`);
    });

    it('refuses a missing PEM file before calling the server', async () => {
      const io = fakeIo({ env: ENV });
      expect(await runCli(['roots', 'propose', '--vendor', 'acme', '--reason', 'r', 'gone.pem'], io)).toBe(3);
      expect(io.err()).toContain('FILE_NOT_FOUND: gone.pem');
      expect(io.requests).toHaveLength(0);
    });

    it('posts the reason to /roots/SHA256/approve, with the vendor as a query when given', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [() => json({ ...ROOT, state: 'approved' }), () => json({ ...ROOT, state: 'approved' })],
      });
      expect(await runCli(['roots', 'approve', 'ef/ef', '--reason', 'checked "by phone"'], io)).toBe(0);
      expect(
        await runCli(['roots', 'approve', ROOT.sha256, '--reason', 'ok', '--vendor', 'acme eu'], io),
      ).toBe(0);
      expect(io.requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', 'http://127.0.0.1:8787/roots/ef%2Fef/approve'],
        ['POST', `http://127.0.0.1:8787/roots/${ROOT.sha256}/approve?vendor=acme%20eu`],
      ]);
      expect(JSON.parse(textOf(io.requests[0]?.body))).toEqual({ reason: 'checked "by phone"' });
    });

    it('exits 3 with the problem code when another admin must approve', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [() => problem(409, 'SAME_ADMIN', 'the proposer cannot approve their own root')],
      });
      expect(await runCli(['roots', 'approve', ROOT.sha256, '--reason', 'ok'], io)).toBe(3);
      expect(io.err()).toBe('trustgate: SAME_ADMIN: the proposer cannot approve their own root\n');
    });
  });
});
