import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli';
import { fakeIo, json, problem, type Reply, SERVER_ENV, SIG, VERDICT } from './fake-io';

/** Packages a.bin, b.bin, ... each with a signature by name, answered by `replies` in order. */
function packages(replies: Reply[], env: Record<string, string> = SERVER_ENV) {
  const names = replies.map((_, i) => `${String.fromCharCode(97 + i)}.bin`);
  const files: Record<string, Uint8Array | string> = {};
  for (const name of names) {
    files[name] = name;
    files[`${name}.p7s`] = SIG;
  }
  return { io: fakeIo({ files, env, replies }), names };
}

const HOSTILE_SUBJECT = 'CN=Evil\n::error file=x::fake\u001b[31m,\u202eO=Acme|[x](y)';
const hostile = () =>
  json({ ...VERDICT.trusted(), signer: { subject: HOSTILE_SUBJECT, sha256: 'ab'.repeat(32) } });

describe('runCli verify results', () => {
  describe('when several packages are verified', () => {
    it.each([
      [[() => json(VERDICT.trusted()), () => json(VERDICT.rejected())], 1],
      [[() => json(VERDICT.unknownRoot()), () => json(VERDICT.trusted()), () => json(VERDICT.rejected())], 2],
      [[() => problem(422, 'UNKNOWN_VENDOR', 'no vendor'), () => json(VERDICT.unknownRoot())], 3],
      [[() => json(VERDICT.rejected()), () => problem(500, 'INTERNAL', 'oops')], 4],
    ] as Array<[Reply[], number]>)('exits with the highest code of them (case %#)', async (replies, exit) => {
      const { io, names } = packages(replies);
      expect(await runCli(['verify', '--vendor', 'acme', ...names], io)).toBe(exit);
    });

    it('prints one line each and the summary; --json has the same counts and the exit code', async () => {
      const replies: Reply[] = [
        () => json(VERDICT.trusted()),
        () => json(VERDICT.rejected('CERT_EXPIRED')),
        () => json(VERDICT.unknownRoot('esc_42')),
        () => problem(422, 'UNKNOWN_VENDOR', "no vendor 'acme'"),
      ];
      const human = packages(replies);
      await runCli(['verify', '--vendor', 'acme', ...human.names], human.io);
      const lines = human.io.out().trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      expect(lines[1]).toMatch(/^rejected\s+b\.bin\s+CERT_EXPIRED\s+signer "CN=Acme Release Signing/);
      expect(lines[2]).toContain('case esc_42 http://127.0.0.1:8787/escalations/esc_42');
      expect(lines[4]).toBe('4 packages: 1 trusted, 1 rejected, 1 unknown_root, 1 errors');

      const machine = packages(replies);
      await runCli(['verify', '--vendor', 'acme', '--json', ...machine.names], machine.io);
      const report = JSON.parse(machine.io.out());
      expect(report.summary).toEqual({ packages: 4, trusted: 1, rejected: 1, unknown_root: 1, errors: 1 });
      expect(report.exitCode).toBe(3);
      expect(report.results[3]).toMatchObject({
        package: 'd.bin',
        signature: 'd.bin.p7s',
        exitCode: 3,
        error: { code: 'UNKNOWN_VENDOR', status: 422 },
      });
    });

    it('prints nothing on stdout with --quiet, and still exits with the code', async () => {
      const { io, names } = packages([() => json(VERDICT.rejected())]);
      expect(await runCli(['verify', '--vendor', 'acme', '--quiet', ...names], io)).toBe(1);
      expect(io.out()).toBe('');
    });
  });

  describe('when a verdict is trusted through a pinned signer certificate', () => {
    it('names it as a pinned signer, not an anchor, on the line, in the annotation and the summary', async () => {
      const github = { ...SERVER_ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/summary.md' };
      const { io, names } = packages([() => json(VERDICT.pinned())], github);
      expect(await runCli(['verify', '--vendor', 'acme', ...names], io)).toBe(0);
      const [line, annotation] = io.out().split('\n');
      expect(line).toMatch(
        /^trusted\s+a\.bin\s+signer "CN=Acme Module Signing Key, O=Acme Corp"\s+pinned signer acme 5757575757575757 "CN=Acme Module Signing Key, O=Acme Corp"$/,
      );
      expect(line).not.toContain('anchor');
      expect(annotation).toContain('under acme pinned signer "CN=Acme Module Signing Key');
      expect(io.appended.get('/summary.md')).toContain('; pinned signer CN\\=Acme Module Signing Key');
    });

    it('keeps the anchor line of a root as it was (kind root, or no kind from an older server)', async () => {
      const { io, names } = packages([
        () => json({ ...VERDICT.trusted(), anchor: { ...VERDICT.trusted().anchor, kind: 'root' } }),
        () => json(VERDICT.trusted()),
      ]);
      await runCli(['verify', '--vendor', 'acme', ...names], io);
      const lines = io.out().split('\n').slice(0, 2);
      for (const line of lines)
        expect(line).toMatch(/ anchor acme cdcdcdcdcdcdcdcd "CN=Acme Root CA, O=Acme Corp"$/);
    });
  });

  describe('when a PE file carries several signatures', () => {
    it("the line says each one's verdict and codes; --json carries the signatures as the server sent them", async () => {
      const human = packages([() => json(VERDICT.severalSignatures())]);
      expect(await runCli(['verify', '--vendor', 'acme', ...human.names], human.io)).toBe(0);
      expect(human.io.out().split('\n')[0]).toContain(
        '  2 signatures: 1 rejected (WEAK_DIGEST_ALGORITHM), 1.1 trusted  warnings WEAK_DIGEST_ALGORITHM',
      );

      const machine = packages([() => json(VERDICT.severalSignatures())]);
      await runCli(['verify', '--vendor', 'acme', '--json', ...machine.names], machine.io);
      const report = JSON.parse(machine.io.out());
      expect(report.results[0].signatures).toEqual(VERDICT.severalSignatures().signatures);
      expect(report.results[0]).toMatchObject({ verdict: 'trusted', exitCode: 0, anchor: { kind: 'root' } });
    });

    it('says which signature a pinned signer vouched for, and nothing when there is only one', async () => {
      const pinned = VERDICT.pinned();
      const pin = { sha256: pinned.anchor.sha256, subject: pinned.anchor.subject, kind: 'signer' };
      const several = {
        ...pinned,
        signatures: [
          { id: '1', verdict: 'trusted', reasons: [], anchor: pin },
          {
            id: '2',
            verdict: 'unknown_root',
            reasons: [{ code: 'UNKNOWN_ROOT', message: 'no root' }],
            anchor: null,
          },
        ],
      };
      const one = { ...pinned, signatures: [several.signatures[0]] };
      const { io, names } = packages([() => json(several), () => json(one)]);
      await runCli(['verify', '--vendor', 'acme', ...names], io);
      const [first, second] = io.out().split('\n');
      expect(first).toContain('2 signatures: 1 trusted by a pinned signer, 2 unknown_root (UNKNOWN_ROOT)');
      expect(second).not.toContain('signatures');
    });

    it('mentions the signatures in the GitHub annotation of a rejected file', async () => {
      const github = { ...SERVER_ENV, GITHUB_ACTIONS: 'true' };
      const body = {
        ...VERDICT.rejected('AUTHENTICODE_IMAGE_HASH_MISMATCH'),
        signatures: [
          {
            id: '1',
            verdict: 'rejected',
            reasons: [{ code: 'AUTHENTICODE_IMAGE_HASH_MISMATCH', message: 'x' }],
          },
          {
            id: '1.1',
            verdict: 'rejected',
            reasons: [{ code: 'AUTHENTICODE_IMAGE_HASH_MISMATCH', message: 'x' }],
          },
        ],
      };
      const { io, names } = packages([() => json(body)], github);
      expect(await runCli(['verify', '--vendor', 'acme', ...names], io)).toBe(1);
      expect(io.out()).toContain(
        '; 2 signatures: 1 rejected (AUTHENTICODE_IMAGE_HASH_MISMATCH), 1.1 rejected (AUTHENTICODE_IMAGE_HASH_MISMATCH)',
      );
    });
  });

  describe('when a verdict carries control characters', () => {
    it('keeps the human line one line, with no escape, newline or bidi character', async () => {
      const { io, names } = packages([hostile]);
      await runCli(['verify', '--vendor', 'acme', ...names], io);
      const out = io.out();
      expect(out.split('\n')).toEqual([
        expect.stringMatching(/^trusted\s+a\.bin\s+signer "CN=Evil ::error/),
        '',
      ]);
      const invisible = [...out.trimEnd()].filter(
        (c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f' || c === '\u202e',
      );
      expect(invisible).toEqual([]);
      expect(out).toContain('U+001B[31m');
      expect(out).toContain('U+202E');
    });
  });

  describe('when running in GitHub Actions', () => {
    const github = { ...SERVER_ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/summary.md' };

    it('annotates trusted as notice and the rest as error, escaping the file and message', async () => {
      const io = fakeIo({
        files: {
          'dist/a,b:c%.bin': 'a',
          'dist/a,b:c%.bin.p7s': SIG,
          'dist/z.bin': 'z',
          'dist/z.bin.p7s': SIG,
        },
        env: github,
        replies: [
          hostile,
          () =>
            json({
              ...VERDICT.rejected(),
              reasons: [{ code: 'CERT_REVOKED', message: '100% revoked\r\n::error::forged' }],
            }),
        ],
      });
      await runCli(['verify', '--vendor', 'acme', 'dist'], io);
      const commands = io
        .out()
        .split('\n')
        .filter((l) => l.startsWith('::'));
      expect(commands).toHaveLength(2);
      expect(commands[0]).toMatch(
        /^::notice file=dist\/a%2Cb%3Ac%25\.bin,title=trustgate%3A trusted::signed by "CN=Evil ::error/,
      );
      expect(commands[1]).toMatch(
        /^::error file=dist\/z\.bin,title=trustgate%3A rejected::CERT_REVOKED: 100%25 revoked ::error::forged$/,
      );
    });

    it('writes the annotations to stderr when stdout is the --json document', async () => {
      const { io, names } = packages([() => json(VERDICT.rejected())], github);
      await runCli(['verify', '--vendor', 'acme', '--json', ...names], io);
      expect(() => JSON.parse(io.out())).not.toThrow();
      expect(io.err()).toMatch(/^::error file=a\.bin,title=trustgate%3A rejected::DIGEST_MISMATCH/m);
    });

    it('appends a Markdown table to the step summary, with untrusted text escaped and the case linked', async () => {
      const { io, names } = packages([hostile, () => json(VERDICT.unknownRoot('esc_|7'))], github);
      await runCli(['verify', '--vendor', 'acme', ...names], io);
      const summary = io.appended.get('/summary.md') ?? '';
      const rows = summary.split('\n').filter((l) => l.startsWith('| '));
      expect(summary).toMatch(/^### trustgate verify: 1 of 2 trusted \(vendor acme, server\)/);
      expect(rows).toHaveLength(3);
      for (const row of rows.slice(1)) expect(row.replaceAll('\\|', '').split('|')).toHaveLength(6);
      expect(rows[1]).toContain('CN\\=Evil \\:\\:error');
      expect(rows[1]).toContain('\\[x\\]\\(y\\)');
      expect(rows[2]).toContain('case [esc\\_\\|7](<http://127.0.0.1:8787/escalations/esc_%7C7>)');
    });
  });
});
