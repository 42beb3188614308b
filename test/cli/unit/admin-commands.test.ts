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

  describe('when listing, proposing and approving pinned signers', () => {
    const SIGNER = {
      vendor: 'acme',
      sha256: '57'.repeat(32),
      subject: 'CN=Acme Module Signing Key',
      notAfter: '2034-01-01T00:00:00.000Z',
      kind: 'signer',
    };

    it('gets /vendors/ID/signers and prints one line per pin with its state and distrust', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [
          () =>
            json({
              signers: [
                { ...SIGNER, state: 'active', distrustAfter: null, keyCompromise: false },
                {
                  ...SIGNER,
                  sha256: '58'.repeat(32),
                  state: 'distrusted',
                  distrustAfter: '2026-03-01T00:00:00Z',
                },
                { ...SIGNER, sha256: '59'.repeat(32), state: 'distrusted', keyCompromise: true },
              ],
            }),
        ],
      });
      expect(await runCli(['signers', 'list', '--vendor', 'acme/eu'], io)).toBe(0);
      expect(io.requests[0]).toMatchObject({
        method: 'GET',
        url: 'http://127.0.0.1:8787/vendors/acme%2Feu/signers',
      });
      expect(io.out().split('\n')).toEqual([
        `${SIGNER.sha256}  active      "CN=Acme Module Signing Key"  notAfter 2034-01-01T00:00:00.000Z`,
        `${'58'.repeat(32)}  distrusted  "CN=Acme Module Signing Key"  notAfter 2034-01-01T00:00:00.000Z  distrusted after 2026-03-01T00:00:00Z`,
        `${'59'.repeat(32)}  distrusted  "CN=Acme Module Signing Key"  notAfter 2034-01-01T00:00:00.000Z  distrusted: key compromise`,
        '',
      ]);
    });

    it('says so when the vendor has none, and prints the answer as it is with --json', async () => {
      const empty = fakeIo({ env: ENV, replies: [() => json({ signers: [] })] });
      expect(await runCli(['signers', 'list', '--vendor', 'acme'], empty)).toBe(0);
      expect(empty.out()).toBe('no pinned signers for acme\n');
      const machine = fakeIo({
        env: ENV,
        replies: [() => json({ signers: [{ ...SIGNER, state: 'active' }] })],
      });
      expect(await runCli(['signers', 'list', '--vendor', 'acme', '--json'], machine)).toBe(0);
      expect(JSON.parse(machine.out())).toEqual({ signers: [{ ...SIGNER, state: 'active' }] });
    });

    it('refuses a list without --vendor, and an action it does not know, without asking the server', async () => {
      const io = fakeIo({ env: ENV });
      expect(await runCli(['signers', 'list'], io)).toBe(3);
      expect(io.err()).toContain('USAGE: signers list --vendor ID');
      expect(await runCli(['signers', 'distrust', SIGNER.sha256], io)).toBe(3);
      expect(io.err()).toContain('signers takes list, propose or approve');
      expect(io.requests).toHaveLength(0);
    });

    it('posts the PEM and the reason to /vendors/ID/signers (202 pending) and names the approve command', async () => {
      const io = fakeIo({
        files: { 'module-key.pem': PEM },
        env: ENV,
        replies: [() => json({ ...SIGNER, state: 'pending' }, 202)],
      });
      const code = await runCli(
        ['signers', 'propose', '--vendor', 'acme', '--reason', 'kernel module key, SEC-17', 'module-key.pem'],
        io,
      );
      expect(code).toBe(0);
      const request = io.requests[0];
      expect(request).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:8787/vendors/acme/signers' });
      expect(JSON.parse(textOf(request?.body))).toEqual({ pem: PEM, reason: 'kernel module key, SEC-17' });
      expect(io.out()).toBe(
        `proposed ${SIGNER.sha256} for acme: state pending; another admin approves it with\n  trustgate signers approve ${SIGNER.sha256} --reason "..."\n`,
      );
    });

    it('refuses a missing PEM file, and a propose without --reason, before calling the server', async () => {
      const io = fakeIo({ env: ENV, files: { 'key.pem': PEM } });
      expect(await runCli(['signers', 'propose', '--vendor', 'acme', '--reason', 'r', 'gone.pem'], io)).toBe(
        3,
      );
      expect(io.err()).toContain('FILE_NOT_FOUND: gone.pem');
      expect(await runCli(['signers', 'propose', '--vendor', 'acme', 'key.pem'], io)).toBe(3);
      expect(io.err()).toContain('USAGE: signers propose --vendor ID --reason TEXT SIGNER.pem');
      expect(io.requests).toHaveLength(0);
    });

    it('posts the reason to /signers/SHA256/approve, with the vendor as a query when given', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [() => json({ ...SIGNER, state: 'active' }), () => json({ ...SIGNER, state: 'active' })],
      });
      expect(await runCli(['signers', 'approve', SIGNER.sha256, '--reason', 'read back by phone'], io)).toBe(
        0,
      );
      expect(
        await runCli(
          ['signers', 'approve', SIGNER.sha256, '--reason', 'ok', '--vendor', 'acme eu', '--json'],
          io,
        ),
      ).toBe(0);
      expect(io.requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', `http://127.0.0.1:8787/signers/${SIGNER.sha256}/approve`],
        ['POST', `http://127.0.0.1:8787/signers/${SIGNER.sha256}/approve?vendor=acme%20eu`],
      ]);
      expect(JSON.parse(textOf(io.requests[0]?.body))).toEqual({ reason: 'read back by phone' });
      expect(io.out()).toContain(`approved ${SIGNER.sha256}: state active\n`);
    });

    it('exits 3 with the problem code when the proposer approves, or a root is approved as a signer', async () => {
      const io = fakeIo({
        env: ENV,
        replies: [
          () => problem(403, 'SELF_APPROVAL_FORBIDDEN', 'another admin must approve'),
          () => problem(404, 'NOT_FOUND', 'a root: use /roots/x/approve'),
        ],
      });
      expect(await runCli(['signers', 'approve', SIGNER.sha256, '--reason', 'ok'], io)).toBe(3);
      expect(await runCli(['signers', 'approve', 'cd'.repeat(32), '--reason', 'ok'], io)).toBe(3);
      expect(io.err()).toBe(
        'trustgate: SELF_APPROVAL_FORBIDDEN: another admin must approve\ntrustgate: NOT_FOUND: a root: use /roots/x/approve\n',
      );
    });

    it('exits 4 when the server is not trustgate', async () => {
      const io = fakeIo({ env: ENV, replies: [() => new Response('gateway', { status: 502 })] });
      expect(await runCli(['signers', 'list', '--vendor', 'acme'], io)).toBe(4);
    });
  });
});
