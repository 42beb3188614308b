/**
 * Version preconditions on the console's approval and state-change forms: the hidden `version` field
 * stands for If-Match, so a form without one, with a made-up one or with a wildcard must not act on a root
 * the admin did not see as it is now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInToConsole } from '../helpers/console-client';
import { createAdminTestApp, fixturePem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const APPROVE = `/console/approvals/acme/roots/${ROOTS.globexP384}/approve`;
const RETIRE = `/console/vendors/acme/roots/${ROOTS.acmeRsa}/retire`;
const refusalCode = (html: string) => /<strong><code>([A-Z_]+)<\/code><\/strong>/.exec(html)?.[1];
const anchorState = async (t: App, sha256: string) =>
  (await t.trust.listAnchors('acme')).find((a) => a.sha256 === sha256);

describe('console attacks: version preconditions', () => {
  let t: App;
  let bob: ConsoleClient;
  beforeAll(async () => {
    t = await createAdminTestApp();
    const alice = await signInToConsole(t.app, t.alice);
    const proposed = await alice.post('/console/vendors/acme/propose', {
      action: 'submit',
      kind: 'root',
      pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
      reason: 'pending, for bob',
    });
    expect(proposed.status).toBe(303);
    bob = await signInToConsole(t.app, t.bob);
  });
  afterAll(() => t.close());

  describe.each([
    ['omitted', undefined, 'PRECONDITION_REQUIRED'],
    ['empty', '', 'PRECONDITION_REQUIRED'],
    ['negative', '-1', 'PRECONDITION_FAILED'],
    ['huge', '9'.repeat(40), 'PRECONDITION_FAILED'],
    ['fractional', '1.0', 'PRECONDITION_FAILED'],
    ['a wildcard (If-Match: *)', '*', 'PRECONDITION_FAILED'],
    ['an ETag list with a wildcard', '"v9", *', 'PRECONDITION_FAILED'],
    ['an ETag list naming another version first', '"v9", "v1"', 'PRECONDITION_FAILED'],
    ['a stale version', '0', 'PRECONDITION_FAILED'],
  ])('when the version is %s', (_name, version, code) => {
    it(`approve and retire are refused with ${code} and nothing changes`, async () => {
      const before = [await anchorState(t, ROOTS.globexP384), await anchorState(t, ROOTS.acmeRsa)];
      const fields = (extra: Record<string, string>) => ({
        reason: 'the second admin',
        ...(version !== undefined ? { version } : {}),
        ...extra,
      });
      for (const [path, extra] of [
        [APPROVE, {}],
        [RETIRE, {}],
      ] as const) {
        const res = await bob.post(path, fields(extra));
        expect({ path, status: res.status, code: refusalCode(await res.text()) }).toEqual({
          path,
          status: code === 'PRECONDITION_REQUIRED' ? 428 : 412,
          code,
        });
      }
      expect([await anchorState(t, ROOTS.globexP384), await anchorState(t, ROOTS.acmeRsa)]).toEqual(before);
    });
  });
});
