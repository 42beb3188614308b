import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';
import { createAdminTestApp, problem } from '../trust/helpers/admin-client';

// The long-lived signer (notBefore 2020-01-01) with a valid token from a trusted TSA saying
// 2024-06-01T12:00:05Z ±1 s, under the fixture store's one acme root.
const STAMPED = 'long-signer-timestamped-2024-trusted';

let t: Awaited<ReturnType<typeof createAdminTestApp>>;
let root: string;
beforeAll(async () => {
  t = await createAdminTestApp({ trustStoreDir: join(TIMESTAMP_FIXTURES, 'trust-store') });
  const [acme] = await t.trust.listAnchors('acme');
  if (!acme) throw new Error('no acme root in the timestamp fixture store');
  root = acme.sha256;
});
afterAll(() => t.close());

const verifyStamped = async () => {
  const c = timestampCase(STAMPED);
  const res = await t.call('POST', '/verify', {
    body: {
      vendor: 'acme',
      artifact: bytesToBase64(readTimestampFixture(c.artifact)),
      signature: bytesToBase64(readTimestampFixture(c.signature)),
    },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    verdict: string;
    reasons: Array<{ code: string; message: string }>;
    escalation: { kind: string } | null;
  };
};
const distrust = (by: string, body: Record<string, unknown>) =>
  t.call('POST', `/roots/${root}/distrust`, { token: by, body });
const rootNow = async () => (await t.call('GET', `/roots/${root}`, { token: t.alice })).json();

describe('distrusting a root for key compromise, over HTTP', () => {
  describe('when the root is distrusted from a date after the timestamp (ordinary distrustAfter)', () => {
    it('keeps the timestamped signature trusted', async () => {
      const res = await distrust(t.alice, { after: '2025-01-01T00:00:00Z', reason: 'CA rotated' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ state: 'distrusted', keyCompromise: false });
      expect((await verifyStamped()).verdict).toBe('trusted');
    });
  });

  describe('when a body has neither after nor keyCompromise', () => {
    it('is refused with 400', async () => {
      const res = await problem(await distrust(t.alice, { reason: 'no date' }));
      expect(res).toMatchObject({ status: 400, body: { code: 'INVALID_FIELD' } });
    });
  });

  describe('when one admin marks it keyCompromise', () => {
    it('applies at once and rejects the timestamped signature with ANCHOR_DISTRUSTED (distrusted-root case)', async () => {
      const res = await distrust(t.alice, { keyCompromise: true, reason: 'root key leaked, SEC-9' });
      expect(res.status).toBe(200);
      // The stored date is kept (the earlier of it and now): informative for a key compromise.
      expect(await res.json()).toMatchObject({
        state: 'distrusted',
        keyCompromise: true,
        distrustAfter: '2025-01-01T00:00:00.000Z',
      });

      const body = await verifyStamped();
      expect(body.verdict).toBe('rejected');
      expect(body.reasons.map((r) => r.code)).toEqual(['ANCHOR_DISTRUSTED']);
      expect(body.reasons[0]?.message).toContain('key compromise');
      expect(body.escalation).toMatchObject({ kind: 'distrusted-root' });
    });

    it('audits it with the state before and after', async () => {
      const { history } = await rootNow();
      expect(history.at(-1)).toMatchObject({
        actor: 'alice',
        action: 'root.distrust.key_compromise',
        reason: 'root key leaked, SEC-9',
        before: { state: 'distrusted', keyCompromise: false },
        after: { state: 'distrusted', keyCompromise: true },
      });
    });
  });

  describe('when any admin then tries to make it an ordinary distrust again', () => {
    it('is refused with 409 INVALID_STATE, whatever the date, and the root stays key-compromised', async () => {
      for (const [by, after] of [
        [t.bob, '2030-01-01T00:00:00Z'],
        [t.alice, '2019-01-01T00:00:00Z'],
      ] as const) {
        const res = await problem(await distrust(by, { after, reason: 'it was only a rotation' }));
        expect(res).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
      }
      const again = await problem(await distrust(t.bob, { keyCompromise: true, reason: 'twice' }));
      expect(again.status).toBe(409);
      expect(await rootNow()).toMatchObject({ state: 'distrusted', keyCompromise: true });
      expect((await verifyStamped()).verdict).toBe('rejected');
    });
  });

  describe('when it is retired afterwards', () => {
    it('still ends the path as a distrusted root, so the verdict names it', async () => {
      const res = await t.call('POST', `/roots/${root}/retire`, {
        token: t.bob,
        body: { reason: 'clean-up' },
      });
      expect(res.status).toBe(200);
      const body = await verifyStamped();
      expect(body).toMatchObject({ verdict: 'rejected', escalation: { kind: 'distrusted-root' } });
      expect(body.reasons.map((r) => r.code)).toEqual(['ANCHOR_DISTRUSTED']);
    });
  });
});
