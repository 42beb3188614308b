import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { VERIFY_FIXTURE_SETS, type VerifyFixtureCase } from '../helpers/verify-fixture-sets';
import { runTrustgate } from './run-trustgate';

const ADMIN = 'cli-agreement-admin-token-0123456789';

type Case = VerifyFixtureCase;

interface Answer {
  package: string;
  verdict?: string;
  reasons?: Array<{ code: string }>;
  error?: { code: string };
}

/** What a pipeline acts on: the verdict and its reason codes, or the refusal's code. */
const decision = (a: Answer) =>
  a.error ? `error ${a.error.code}` : `${a.verdict} ${(a.reasons ?? []).map((r) => r.code).join(',')}`;

/**
 * Lays the cases of one vendor and time out as a release folder (`NN-name.ext` with its `.p7s`) so that
 * one run of the command verifies them all, and returns the folders.
 */
function releaseFolders(root: string, cases: Case[], work: string) {
  const groups = new Map<string, { vendor: string; time: string; dir: string; names: Map<string, Case> }>();
  cases.forEach((c, i) => {
    const key = `${c.vendor} ${c.time}`;
    let group = groups.get(key);
    if (!group) {
      group = { vendor: c.vendor, time: c.time, dir: join(work, `group-${groups.size}`), names: new Map() };
      mkdirSync(group.dir);
      groups.set(key, group);
    }
    const file = `${String(i).padStart(2, '0')}-${c.name}${extname(c.artifact) || '.bin'}`;
    copyFileSync(join(root, c.artifact), join(group.dir, file));
    if (c.signature) copyFileSync(join(root, c.signature), join(group.dir, `${file}.p7s`));
    group.names.set(join(group.dir, file), c);
  });
  return [...groups.values()];
}

describe.each(VERIFY_FIXTURE_SETS)('trustgate verify on the $name fixtures', ({ root, cases }) => {
  let server: NpmStartedServer;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-agreement-'));
    // Nothing fetched: the offline mode cannot, and the fixtures' CRL URLs lead nowhere.
    server = await startWithNpm({
      TRUST_STORE_DIR: join(root, 'trust-store'),
      ADMIN_TOKEN: ADMIN,
      CRL_FETCH: 'false',
      OCSP_FETCH: 'false',
    });
  }, 60_000);

  afterAll(() => {
    server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('when the same packages go to the server and through --offline', () => {
    it('both give every package the same verdict and reason codes (or refusal code), the manifest one', async () => {
      const folders = releaseFolders(root, cases, work);
      let compared = 0;
      for (const group of folders) {
        const args = ['verify', '--vendor', group.vendor, '--time', group.time, '--json', group.dir];
        const online = await runTrustgate(args, {
          env: { TRUSTGATE_URL: server.base, TRUSTGATE_TOKEN: ADMIN },
        });
        const offline = await runTrustgate([
          ...args,
          '--offline',
          '--trust-store',
          join(root, 'trust-store'),
        ]);
        const onlineDoc = JSON.parse(online.stdout) as { results: Answer[]; exitCode: number };
        const offlineDoc = JSON.parse(offline.stdout) as { results: Answer[]; exitCode: number };
        expect(offline.code).toBe(online.code);
        expect(offlineDoc.results.map((r) => r.package)).toEqual(onlineDoc.results.map((r) => r.package));
        for (const [i, answer] of onlineDoc.results.entries()) {
          const c = group.names.get(answer.package) as Case;
          const other = offlineDoc.results[i] as Answer;
          expect(decision(other), c.name).toBe(decision(answer));
          // Agreement on a wrong answer is no agreement: each is also what the fixture's manifest says.
          if (c.expected.error) expect(answer.error?.code, c.name).toBe(c.expected.error);
          else {
            expect(answer.verdict, c.name).toBe(c.expected.verdict);
            for (const reason of c.expected.reasons)
              expect(
                answer.reasons?.map((r) => r.code),
                c.name,
              ).toContain(reason);
          }
          compared += 1;
        }
      }
      expect(compared).toBe(cases.length);
    }, 120_000);
  });
});
