import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli';
import { bytesOf, fakeIo, json, partsSent, SERVER_ENV, SIG, textOf, VERDICT, ZIP } from './fake-io';

const trusted = () => json(VERDICT.trusted());
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

describe('runCli verify package discovery', () => {
  describe('when a folder is named', () => {
    it('verifies every file in name order (hidden ones too), each with its signature; a subfolder only when named too', async () => {
      const io = fakeIo({
        files: {
          'dist/b.bin': 'b',
          'dist/b.bin.p7s': SIG,
          'dist/a.bin': 'a',
          'dist/a.bin.sig': SIG,
          'dist/.hidden': 'h',
          'dist/.hidden.p7s': SIG,
          'dist/nested/c.bin': 'c',
          'dist/nested/c.bin.p7s': SIG,
        },
        env: SERVER_ENV,
        replies: [trusted, trusted, trusted, trusted],
      });
      const code = await runCli(['verify', '--vendor', 'acme', 'dist', 'dist/nested'], io);
      expect(code).toBe(0);
      const shown = lines(io.out());
      expect(shown).toHaveLength(5);
      expect(shown[0]).toMatch(/^trusted\s+dist\/\.hidden\s/);
      expect(shown[1]).toMatch(/^trusted\s+dist\/a\.bin\s/);
      expect(shown[2]).toMatch(/^trusted\s+dist\/b\.bin\s/);
      expect(shown[3]).toMatch(/^trusted\s+dist\/nested\/c\.bin\s/);
      expect(shown[4]).toBe('4 packages: 4 trusted, 0 rejected, 0 unknown_root, 0 errors');
      expect(partsSent(io).map((p) => textOf(p.bytes))).toContain('h'); // the first sent: .hidden
    });

    it('fails a subfolder that is not named as well: its files would be installed unverified', async () => {
      const io = fakeIo({
        files: {
          'dist/a.bin': 'a',
          'dist/a.bin.p7s': SIG,
          'dist/plugins/p.bin': 'p',
          'dist/plugins/p.bin.p7s': SIG,
        },
        env: SERVER_ENV,
        replies: [trusted],
      });
      expect(await runCli(['verify', '--vendor', 'acme', 'dist'], io)).toBe(3);
      const shown = lines(io.out());
      expect(shown.find((l) => l.includes('plugins'))).toMatch(
        /^error\s+dist\/plugins\s+FOLDER_NOT_VERIFIED: /,
      );
      expect(shown.find((l) => l.includes('a.bin'))).toMatch(/^trusted\s/);
    });

    it('fails a signature file without its package, and an upper-case suffix is no signature', async () => {
      const io = fakeIo({
        files: { 'dist/a.bin': 'a', 'dist/a.bin.p7s': SIG, 'dist/stray.bin.sig': SIG, 'dist/loose.P7B': SIG },
        env: SERVER_ENV,
        replies: [trusted],
      });
      expect(await runCli(['verify', '--vendor', 'acme', 'dist'], io)).toBe(3);
      const shown = lines(io.out());
      expect(shown.find((l) => l.includes('stray.bin.sig'))).toMatch(/^error\s.*SIGNATURE_WITHOUT_PACKAGE/);
      expect(shown.find((l) => l.includes('loose.P7B'))).toMatch(/^error\s.*SIGNATURE_NOT_FOUND/);
      expect(shown.find((l) => l.includes('a.bin'))).toMatch(/^trusted\s/);
    });

    it('is a usage error when it holds no file at all', async () => {
      const io = fakeIo({ dirs: ['empty'], env: SERVER_ENV });
      expect(await runCli(['verify', '--vendor', 'acme', 'empty'], io)).toBe(3);
      expect(io.err()).toContain('USAGE: no package files in empty');
    });
  });

  describe('when the signature is found by name', () => {
    it('sends PKG.sig when it is the only one', async () => {
      const io = fakeIo({
        files: { 'pkg.bin': 'artifact', 'pkg.bin.sig': SIG },
        env: SERVER_ENV,
        replies: [trusted],
      });
      expect(await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io)).toBe(0);
      const signature = partsSent(io).find((p) => p.name === 'signature');
      expect(signature?.bytes).toEqual(SIG);
    });

    it('refuses two signatures next to one package as SIGNATURE_AMBIGUOUS, and still verifies the others', async () => {
      const io = fakeIo({
        files: {
          'a.bin': 'a',
          'a.bin.p7s': SIG,
          'a.bin.sig': SIG,
          'b.bin': 'b',
          'b.bin.p7s': SIG,
        },
        env: SERVER_ENV,
        replies: [trusted],
      });
      const code = await runCli(['verify', '--vendor', 'acme', 'a.bin', 'b.bin'], io);
      expect(code).toBe(3);
      const [first, second] = lines(io.out());
      expect(first).toMatch(/^error\s+a\.bin\s+SIGNATURE_AMBIGUOUS: .*a\.bin\.p7s, a\.bin\.sig/);
      expect(second).toMatch(/^trusted\s+b\.bin/);
      expect(io.requests).toHaveLength(1);
    });

    it('refuses a package with no signature that is not a ZIP as SIGNATURE_NOT_FOUND', async () => {
      const io = fakeIo({ files: { 'pkg.tar.gz': 'not a zip' }, env: SERVER_ENV });
      expect(await runCli(['verify', '--vendor', 'acme', 'pkg.tar.gz'], io)).toBe(3);
      expect(io.out()).toMatch(/^error\s+pkg\.tar\.gz\s+SIGNATURE_NOT_FOUND: /);
      expect(io.requests).toHaveLength(0);
    });

    it('sends a ZIP/JAR without a signature alone: no signature part', async () => {
      const io = fakeIo({ files: { 'app.jar': ZIP }, env: SERVER_ENV, replies: [trusted] });
      expect(await runCli(['verify', '--vendor', 'acme', 'app.jar'], io)).toBe(0);
      const parts = partsSent(io);
      expect(parts.map((p) => p.name)).toEqual(['vendor', 'fileName', 'artifact']);
      expect(parts[2]?.bytes).toEqual(ZIP);
    });

    it('reports a missing package as FILE_NOT_FOUND', async () => {
      const io = fakeIo({ env: SERVER_ENV });
      expect(await runCli(['verify', '--vendor', 'acme', 'gone.bin'], io)).toBe(3);
      expect(io.out()).toMatch(/^error\s+gone\.bin\s+FILE_NOT_FOUND: gone\.bin: no such file or folder/);
    });
  });

  describe('when --signature names the signature', () => {
    it('uses it rather than the one found by name', async () => {
      const chosen = bytesOf('-----the chosen one-----');
      const io = fakeIo({
        files: { 'pkg.bin': 'artifact', 'pkg.bin.p7s': SIG, 'sigs/pkg.der': chosen },
        env: SERVER_ENV,
        replies: [trusted],
      });
      const code = await runCli(['verify', '--vendor', 'acme', '--signature', 'sigs/pkg.der', 'pkg.bin'], io);
      expect(code).toBe(0);
      expect(partsSent(io).find((p) => p.name === 'signature')?.bytes).toEqual(chosen);
    });

    it('is a usage error with more than one package (a folder of two included)', async () => {
      const io = fakeIo({ files: { 'dist/a.bin': 'a', 'dist/b.bin': 'b', 's.p7s': SIG }, env: SERVER_ENV });
      expect(await runCli(['verify', '--vendor', 'acme', '--signature', 's.p7s', 'dist'], io)).toBe(3);
      expect(io.err()).toContain('--signature names the signature of one package');
      expect(io.requests).toHaveLength(0);
    });

    it('reports a missing signature file as FILE_NOT_FOUND', async () => {
      const io = fakeIo({ files: { 'pkg.bin': 'artifact' }, env: SERVER_ENV });
      expect(await runCli(['verify', '--vendor', 'acme', '--signature', 'no.p7s', 'pkg.bin'], io)).toBe(3);
      expect(io.out()).toContain('FILE_NOT_FOUND: no.p7s: no such signature file');
    });
  });
});
