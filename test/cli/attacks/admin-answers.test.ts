import { describe, expect, it } from 'vitest';
import { runTrustgate, startFakeServer } from '../run-trustgate';

/** Lines as a CI runner reads them, and those it would run as workflow commands (outside a stop-commands fence). */
function liveWorkflowCommands(text: string): string[] {
  const live: string[] = [];
  let stopToken: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const trimmed = line.trimStart();
    if (stopToken !== null) {
      if (trimmed === `::${stopToken}::`) stopToken = null;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(trimmed);
    if (stop) stopToken = stop[1] as string;
    else if (trimmed.startsWith('::')) live.push(line);
  }
  return live;
}

describe('trustgate cases against a server answer an attacker controls', () => {
  describe('when a case id is itself a workflow command', () => {
    it('in GitHub Actions no line of the list is run as a command', async () => {
      const fake = await startFakeServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          cases: [
            {
              id: '::error::injected-by-the-server',
              state: 'open',
              kind: 'unknown_root',
              vendorId: 'acme',
              verificationsBlocked: 1,
              lastSeen: '2026-01-01T00:00:00Z',
              top: { subject: 'CN=x' },
            },
          ],
        }),
      }));
      const run = await runTrustgate(['cases', '--server', fake.base], { env: { GITHUB_ACTIONS: 'true' } });
      await fake.close();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('injected-by-the-server');
      expect(liveWorkflowCommands(run.stdout)).toEqual([]);
    });

    it('outside GitHub Actions the list is printed as it is, unfenced', async () => {
      const fake = await startFakeServer(() => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cases: [{ id: 'esc_1', state: 'open', kind: 'unknown_root' }] }),
      }));
      const run = await runTrustgate(['cases', '--server', fake.base]);
      await fake.close();
      expect(run.stdout).toMatch(/^esc_1\s+open/);
    });
  });
});
