import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli';
import { fakeIo, json, SERVER_ENV, SIG, VERDICT } from './fake-io';

/** One package with its signature by convention, and a server that would call it trusted. */
const withPackage = (env: Record<string, string> = SERVER_ENV) =>
  fakeIo({
    files: { 'pkg.bin': 'artifact', 'pkg.bin.p7s': SIG },
    env,
    replies: [() => json(VERDICT.trusted())],
  });

async function usageOf(argv: string[], env?: Record<string, string>) {
  const io = withPackage(env);
  const code = await runCli(argv, io);
  return { code, err: io.err(), out: io.out(), requests: io.requests.length };
}

describe('runCli verify arguments', () => {
  describe('when an option is wrong', () => {
    it.each([
      [['verify', '--vendor', 'acme', '--vendr', 'x', 'pkg.bin'], 'unknown option --vendr'],
      [['verify', '--vendor', 'acme', '--vendor', 'globex', 'pkg.bin'], '--vendor is given twice'],
      [['verify', 'pkg.bin', '--vendor'], '--vendor needs a value'],
      [['verify', '--vendor', 'acme', '--json=yes', 'pkg.bin'], '--json takes no value'],
      [['verify', 'pkg.bin'], '--vendor is required'],
      [['verify', '--vendor', 'acme'], 'name at least one package'],
    ])('%j is a usage error (exit 3) and nothing is sent', async (argv, message) => {
      const run = await usageOf(argv);
      expect(run.code).toBe(3);
      expect(run.err).toContain('trustgate: USAGE: ');
      expect(run.err).toContain(message);
      expect(run.out).toBe('');
      expect(run.requests).toBe(0);
    });
  });

  describe('when `--` ends the options', () => {
    it('reads what follows as package paths, even if it looks like an option', async () => {
      const io = fakeIo({
        files: { '--json': 'artifact', '--json.p7s': SIG },
        env: SERVER_ENV,
        replies: [() => json(VERDICT.trusted())],
      });
      const code = await runCli(['verify', '--vendor', 'acme', '--', '--json'], io);
      expect(code).toBe(0);
      expect(io.out()).toMatch(/^trusted\s+--json\s/);
    });

    it('does not read --help after it as a request for help', async () => {
      const io = fakeIo({ env: SERVER_ENV });
      const code = await runCli(['verify', '--vendor', 'acme', '--', '--help'], io);
      expect(code).toBe(3);
      expect(io.out()).toMatch(/^error\s+--help\s+FILE_NOT_FOUND/);
    });
  });

  describe('when the mode options do not fit together', () => {
    it.each([
      [['--offline'], '--offline needs --trust-store'],
      [['--trust-store', 'store'], '--trust-store is read only with --offline'],
      [['--offline', '--trust-store', 'store', '--server', 'http://127.0.0.1:1'], 'exclude each other'],
      [['--progress', '--no-progress'], 'exclude each other'],
      [['--json', '--quiet'], 'exclude each other'],
    ])('%j is a usage error', async (options, message) => {
      const run = await usageOf(['verify', '--vendor', 'acme', ...options, 'pkg.bin']);
      expect(run.code).toBe(3);
      expect(run.err).toContain(message);
      expect(run.requests).toBe(0);
    });

    it('asks for a server when neither --server, TRUSTGATE_URL nor --offline is given', async () => {
      const run = await usageOf(['verify', '--vendor', 'acme', 'pkg.bin'], {});
      expect(run.code).toBe(3);
      expect(run.err).toContain('no server: pass --server URL or set TRUSTGATE_URL');
    });

    it.each([
      ['ftp://127.0.0.1/', 'must be http(s)'],
      ['http://user:secret@127.0.0.1:8787', 'must not carry credentials'],
    ])('refuses the server URL %s', async (url, message) => {
      const run = await usageOf(['verify', '--vendor', 'acme', '--server', url, 'pkg.bin'], {});
      expect(run.code).toBe(3);
      expect(run.err).toContain(message);
      expect(run.requests).toBe(0);
    });
  });

  describe('when --time or --timeout is given', () => {
    it.each(['2026-06-01', '2026-13-45T00:00:00Z', '2026-02-30T00:00:00Z', '2026-06-01T00:00:00'])(
      'refuses --time %s as not an ISO instant',
      async (time) => {
        const run = await usageOf(['verify', '--vendor', 'acme', '--time', time, 'pkg.bin']);
        expect(run.code).toBe(3);
        expect(run.err).toContain('is not an ISO 8601 instant');
      },
    );

    it.each(['0', '-5', '1.5', '2147484'])('refuses --timeout %s', async (timeout) => {
      const run = await usageOf(['verify', '--vendor', 'acme', '--timeout', timeout, 'pkg.bin']);
      expect(run.code).toBe(3);
      expect(run.err).toContain('is not a whole number of seconds');
    });

    it('accepts a valid --time and --timeout=N', async () => {
      const run = await usageOf([
        'verify',
        '--vendor=acme',
        '--time',
        '2026-01-01T00:00:00+02:00',
        '--timeout=30',
        'pkg.bin',
      ]);
      expect(run.code).toBe(0);
      expect(run.requests).toBe(1);
    });
  });

  describe('when the command itself is not known', () => {
    it('is a usage error naming it, and bare `trustgate` prints the help with exit 3', async () => {
      const wrong = fakeIo({});
      expect(await runCli(['verfy'], wrong)).toBe(3);
      expect(wrong.err()).toContain("USAGE: no command 'verfy'");
      const bare = fakeIo({});
      expect(await runCli([], bare)).toBe(3);
      expect(bare.out()).toContain('usage:');
    });
  });
});
