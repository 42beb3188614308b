import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK_SOURCES, TRUST_STORE_BUNDLE, TSA_BUNDLE } from '../../src/platform/trust-store-bundle';
import { createWorker } from '../../src/platform/worker-runtime';
import { caseForm, testEnv } from './helpers';

/** The worker with other settings (as `wrangler secret put` / [vars] would give it), over the same D1. */
async function requestWith(settings: Record<string, string>, request: Request) {
  const edge = createWorker({
    bundle: TRUST_STORE_BUNDLE,
    tsa: TSA_BUNDLE,
    playbooks: PLAYBOOK_SOURCES,
  });
  const ctx = createExecutionContext();
  const res = await edge.fetch(request, { ...testEnv, ...settings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const createToken = (adminToken: string) =>
  new Request('https://trustgate.test/admin/tokens', {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `t${crypto.randomUUID().slice(0, 8)}`,
      role: 'admin',
      reason: 'workers test',
    }),
  });

describe('settings from the environment (secrets and vars)', () => {
  it('accepts the bootstrap admin set with wrangler secret put ADMIN_TOKEN', async () => {
    const res = await requestWith({}, createToken(testEnv.ADMIN_TOKEN ?? ''));
    expect(res.status).toBe(201);
  });

  it('leaves the admin API closed when ADMIN_TOKEN is malformed', async () => {
    const res = await requestWith({ ADMIN_TOKEN: 'short' }, createToken('short'));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves POST /verify without a token unless REQUIRE_VERIFY_TOKEN says otherwise', async () => {
    const verify = () =>
      new Request('https://trustgate.test/verify', {
        method: 'POST',
        body: caseForm('rsa2048-sha256-detached-der-trusted'),
      });
    expect((await requestWith({}, verify())).status).toBe(200);
    expect((await requestWith({ REQUIRE_VERIFY_TOKEN: 'true' }, verify())).status).toBe(401);
    // A typo must not open /verify.
    expect((await requestWith({ REQUIRE_VERIFY_TOKEN: 'ture' }, verify())).status).toBe(401);
  });
});
