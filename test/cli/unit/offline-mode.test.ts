import { describe, expect, it } from 'vitest';
import type { OfflineCore } from '../../../src/cli';
import { runCli } from '../../../src/cli';
import { TrustgateError } from '../../../src/errors';
import { fakeIo, SIG, VERDICT } from './fake-io';

/** An offline core that answers `verdicts` in order and remembers what it was asked. */
function fakeCore(verdicts: Array<unknown | Error>) {
  const asked: Array<Parameters<OfflineCore['verify']>[0]> = [];
  const core: OfflineCore = {
    async verify(input) {
      asked.push(input);
      const next = verdicts.shift();
      if (next instanceof Error) throw next;
      return next;
    },
    signerHash: () => 'SHA-256',
    warnings: ['store/acme/notes.txt skipped: not a certificate'],
  };
  return { core, asked };
}

const files = { 'pkg.bin': 'artifact', 'pkg.bin.p7s': SIG, 'other.bin': 'other', 'other.bin.p7s': SIG };
const OFFLINE = ['verify', '--vendor', 'acme', '--offline', '--trust-store', 'store'];

describe('runCli verify --offline', () => {
  describe('when the trust-store folder exists', () => {
    it('verifies without any request, as of --time, and says no case is opened for an unknown root', async () => {
      const { core, asked } = fakeCore([VERDICT.trusted(), { ...VERDICT.unknownRoot(), escalation: null }]);
      const io = fakeIo({
        files,
        dirs: ['store'],
        offline: core,
        env: { TRUSTGATE_URL: 'http://127.0.0.1:1' },
      });
      const code = await runCli([...OFFLINE, '--time', '2026-01-01T00:00:00Z', 'pkg.bin', 'other.bin'], io);
      expect(code).toBe(2);
      expect(io.requests).toHaveLength(0);
      expect(asked.map((a) => a.time?.toISOString())).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-01-01T00:00:00.000Z',
      ]);
      expect(asked[0]?.signature).toEqual(SIG);
      expect(asked[0]?.artifact).toEqual({ kind: 'bytes', bytes: new TextEncoder().encode('artifact') });
      expect(io.out()).toMatch(/^unknown_root\s+other\.bin\s+UNKNOWN_ROOT .*no case opened \(offline\)/m);
      expect(io.err()).toContain('warning: store/acme/notes.txt skipped: not a certificate');
      // Another instant can make an expired chain trusted: said on stderr, not done in silence.
      expect(io.err()).toContain('note: verified as of 2026-01-01T00:00:00.000Z (--time), not now');
    });

    it('reports the refusal the server would make (a TrustgateError) as its code with exit 3', async () => {
      const { core } = fakeCore([new TrustgateError('UNKNOWN_VENDOR', "no vendor 'acme'")]);
      const io = fakeIo({ files, dirs: ['store'], offline: core });
      expect(await runCli([...OFFLINE, 'pkg.bin'], io)).toBe(3);
      expect(io.out()).toMatch(/^error\s+pkg\.bin\s+UNKNOWN_VENDOR: no vendor 'acme'/);
    });
  });

  describe('when the trust-store folder is missing', () => {
    it('is FILE_NOT_FOUND before any package is read', async () => {
      const io = fakeIo({ files });
      expect(await runCli([...OFFLINE, 'pkg.bin'], io)).toBe(3);
      expect(io.err()).toBe('trustgate: FILE_NOT_FOUND: store: no such trust-store folder\n');
    });
  });
});
