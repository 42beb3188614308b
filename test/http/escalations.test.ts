import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonHex } from '../../src/escalation';
import { createAdminTestApp, fixturePem, problem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** globex's chain checked as vendor acme: a clean chain that ends at a root acme does not have. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';

async function giveAcmeContacts(t: App) {
  const vendor = await t.trust.getVendor('acme');
  if (!vendor) throw new Error('no acme');
  const contacts = [{ name: 'Acme PSIRT', channel: 'email', value: 'psirt@acme.example' }];
  await t.trust.updateVendor({ ...vendor, contacts, version: vendor.version + 1 }, vendor.version);
}

describe('escalation cases', () => {
  let t: App;
  let oncall: string;
  let verifier: string;
  beforeAll(async () => {
    t = await createAdminTestApp();
    await giveAcmeContacts(t);
    oncall = (await t.createToken('pat-oncall', 'oncall')).secret;
    verifier = (await t.createToken('ci-pipeline', 'verifier')).secret;
  });
  afterAll(() => t.close());

  describe('when two packages under the same unknown root are verified', () => {
    it('opens one case and counts both verifications', async () => {
      const first = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const second = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(first.body.verdict).toBe('unknown_root');
      const a = first.body.escalation as { id: string; verificationsBlocked: number; state: string };
      const b = second.body.escalation as { id: string; verificationsBlocked: number };
      expect(b.id).toBe(a.id);
      expect(a.state).toBe('open');
      expect(a.verificationsBlocked).toBe(1);
      expect(b.verificationsBlocked).toBe(2);
      const list = await (
        await t.call('GET', '/escalations?state=open&vendor=acme', { token: oncall })
      ).json();
      expect(list.cases).toHaveLength(1);
      expect(list.cases[0]).toMatchObject({ id: a.id, verificationsBlocked: 2, vendorId: 'acme' });
      expect(list.cases[0].artifactDigests).toHaveLength(1);
    });
  });

  describe('when on-call opens the case', () => {
    it('renders a checklist with the fingerprints, the contact on file and the approval calls', async () => {
      const verdict = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const escalation = verdict.body.escalation as {
        id: string;
        topCertificate: { sha256: string; spkiSha256: string };
        checklist: Array<{ n: number; title: string; detail: string }>;
      };
      expect(escalation.checklist.length).toBeGreaterThanOrEqual(3);
      const text = escalation.checklist.map((s) => `${s.title}\n${s.detail}`).join('\n');
      expect(text).toContain(colonHex(escalation.topCertificate.sha256));
      expect(text).toContain('psirt@acme.example');
      expect(text).toContain('/approve');

      const res = await t.call('GET', `/escalations/${escalation.id}`, { token: oncall });
      expect(res.status).toBe(200);
      const detail = await res.json();
      expect(detail.case.top.spkiSha256).toBe(escalation.topCertificate.spkiSha256);

      const md = await t.call('GET', `/escalations/${escalation.id}`, {
        token: oncall,
        headers: { accept: 'text/markdown' },
      });
      expect(md.headers.get('content-type')).toContain('text/markdown');
      const markdown = await md.text();
      expect(markdown).toContain(colonHex(escalation.topCertificate.sha256));
      expect(markdown).toContain('openssl');
    });
  });

  describe('when a token without the on-call role asks', () => {
    it('is refused: 401 without a token, 403 for a verifier', async () => {
      expect((await problem(await t.call('GET', '/escalations'))).status).toBe(401);
      expect((await problem(await t.call('GET', '/escalations', { token: verifier }))).body.code).toBe(
        'FORBIDDEN',
      );
    });
  });

  describe('when on-call ticks steps and resolves the case', () => {
    it('records each change in the case and the audit log, and refuses a second resolution', async () => {
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const id = (body.escalation as { id: string }).id;
      const step = await t.call('POST', `/escalations/${id}/steps/1`, {
        token: oncall,
        body: { done: true, note: 'fingerprints match what the package carries' },
      });
      expect(step.status).toBe(200);
      expect((await step.json()).checklist[0].done).toBe(true);
      const outOfRange = await problem(
        await t.call('POST', `/escalations/${id}/steps/99`, { token: oncall, body: { done: true } }),
      );
      expect(outOfRange.status).toBe(400);

      const resolved = await t.call('POST', `/escalations/${id}/resolve`, {
        token: oncall,
        body: { outcome: 'rejected', note: 'Acme says this is not their CA' },
      });
      expect(resolved.status).toBe(200);
      expect((await resolved.json()).case).toMatchObject({
        state: 'resolved',
        resolution: { outcome: 'rejected', actor: 'pat-oncall' },
      });
      const again = await problem(
        await t.call('POST', `/escalations/${id}/resolve`, { token: oncall, body: { outcome: 'approved' } }),
      );
      expect(again.status).toBe(409);

      const audit = await (await t.call('GET', `/audit?limit=1000`, { token: t.alice })).json();
      const actions = audit.entries
        .filter((e: { targetId: string }) => e.targetId === id)
        .map((e: { action: string }) => e.action);
      expect(actions).toEqual(
        expect.arrayContaining(['escalation.open', 'escalation.step.done', 'escalation.resolve.rejected']),
      );
    });
  });

  describe('when the next verification after a rejection meets the same root', () => {
    it('is rejected with a pointer to that decision, and opens no new case', async () => {
      const before = (await (await t.call('GET', '/escalations?vendor=acme', { token: oncall })).json())
        .cases;
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      expect(body.verdict).toBe('rejected');
      expect(body.reasons[0]?.code).toBe('ESCALATION_REJECTED');
      const escalation = body.escalation as { id: string; state: string; rejection: { caseId: string } };
      expect(escalation).toMatchObject({ state: 'resolved', rejection: { actor: 'pat-oncall' } });
      expect(escalation.rejection.caseId).toBe(escalation.id);
      const list = await (await t.call('GET', '/escalations?vendor=acme', { token: oncall })).json();
      expect(list.cases.filter((c: { state: string }) => c.state === 'open')).toHaveLength(0);
      expect(list.cases).toHaveLength(before.length);
    });
  });

  describe('when two admins approve the root the chain needs after on-call rejected it', () => {
    it('trusts the package: the remembered rejection never outranks an approved root', async () => {
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const id = (body.escalation as { id: string }).id;
      const proposed = await t.call('POST', '/vendors/acme/roots', {
        token: t.alice,
        body: {
          pem: fixturePem('trust-store/globex/globex-root-p384.pem'),
          reason: 'acme signs with the globex CA now',
        },
      });
      expect(proposed.status).toBe(202);
      const { sha256 } = await proposed.json();
      const approved = await t.call('POST', `/roots/${sha256}/approve?vendor=acme`, {
        token: t.bob,
        body: { reason: 'fingerprint read back by Acme PSIRT' },
      });
      expect(approved.status).toBe(200);
      const detail = await (await t.call('GET', `/escalations/${id}`, { token: oncall })).json();
      // the decision on record stays as on-call made it
      expect(detail.case).toMatchObject({ state: 'resolved', resolution: { outcome: 'rejected' } });
      expect((await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' })).body.verdict).toBe('trusted');
    });
  });
});

describe('escalation cases for rejected verdicts that need a person', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  describe('when the signer certificate of a chain to an active root has expired', () => {
    it('opens an expired-signer-chain case', async () => {
      const { body } = await t.verify('signer-expired-cert-expired');
      expect(body.verdict).toBe('rejected');
      expect(body.escalation).toMatchObject({ kind: 'expired-signer-chain', state: 'open' });
    });
  });

  describe('when the root is distrusted for signatures made after a date', () => {
    it('opens a distrusted-root case', async () => {
      const distrust = await t.call('POST', `/roots/${ROOTS.acmeRsa}/distrust`, {
        token: t.alice,
        body: { after: '2023-01-01T00:00:00Z', reason: 'key compromise reported by Acme' },
      });
      expect(distrust.status).toBe(200);
      const { body } = await t.verify('rsa2048-sha256-detached-der-trusted');
      expect(body.reasons.map((r) => r.code)).toContain('ANCHOR_DISTRUSTED');
      expect(body.escalation).toMatchObject({ kind: 'distrusted-root', state: 'open' });
    });
  });

  describe('when the artifact was tampered with', () => {
    it('opens no case: a forged package is a rejection, not a question for on-call', async () => {
      const { body } = await t.verify('artifact-tampered-digest-mismatch');
      expect(body.verdict).toBe('rejected');
      expect(body.escalation).toBeNull();
    });
  });
});

describe('escalation webhook', () => {
  let receiver: Server;
  const received: Array<{ type: string; id: string }> = [];
  let failuresLeft = 2;
  let url = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft--;
          res.writeHead(500).end();
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/trustgate`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  describe('when a case opens and the receiver fails twice first', () => {
    it('answers /verify at once and delivers the event on a retry', async () => {
      const t = await createAdminTestApp({ escalationWebhookUrl: url });
      try {
        const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
        expect(body.verdict).toBe('unknown_root');
        const id = (body.escalation as { id: string }).id;
        const deadline = Date.now() + 15_000;
        while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(received[0]).toMatchObject({ type: 'escalation.opened', case: { id } });
        expect(failuresLeft).toBe(0);
      } finally {
        t.close();
      }
    });
  });

  describe('when the receiver is down', () => {
    it('still answers /verify', async () => {
      const t = await createAdminTestApp({ escalationWebhookUrl: 'http://127.0.0.1:9/unreachable' });
      try {
        const { status, body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
        expect(status).toBe(200);
        expect(body.verdict).toBe('unknown_root');
      } finally {
        t.close();
      }
    });
  });
});
