import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_LIMITS } from '../../src/escalation';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

const ARTIFACT = new TextEncoder().encode('a package the attacker wants escalated\n');
const FLOOD = 50;
const BUDGET = DEFAULT_ESCALATION_LIMITS.newCasesPerVendor;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

interface Escalation {
  id: string;
  kind: string;
  verificationsBlocked: number;
  topCertificate: { spkiSha256: string };
  checklist: unknown[];
  overflow?: { verificationsSuppressed: number; newCasesPerVendor: number; windowSeconds: number };
}

/** An anonymous POST /verify of the artifact with `signature`, as vendor `vendor`. */
async function verifyAnonymously(t: App, vendor: string, signature: Uint8Array) {
  const res = await t.call('POST', '/verify', {
    body: { vendor, artifact: b64(ARTIFACT), signature: b64(signature) },
  });
  const body = (await res.json()) as { verdict: string; escalation: Escalation | null };
  return { status: res.status, body };
}

describe('POST /verify under a flood of freshly minted roots', () => {
  let receiver: Server;
  let t: App;
  const received: Array<{ type: string; case: { id: string; kind: string } }> = [];
  const verdicts: Array<{ status: number; body: { verdict: string; escalation: Escalation | null } }> = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/trustgate`;
    t = await createAdminTestApp({ escalationWebhookUrl: url });
    for (let i = 0; i < FLOOD; i++) {
      const { signature } = await signUnderMintedRoot(ARTIFACT, `Minted ${i}`);
      verdicts.push(await verifyAnonymously(t, 'acme', signature));
    }
    // Webhooks go out in the background: wait until the expected ones arrived, then a little longer for strays.
    const deadline = Date.now() + 15_000;
    while (received.length < BUDGET + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
  }, 120_000);
  afterAll(async () => {
    t?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  describe('when 50 anonymous requests each bring a new self-signed root for one vendor', () => {
    it('answers every one unknown_root with an escalation', () => {
      expect(verdicts.map((v) => v.status)).toEqual(Array(FLOOD).fill(200));
      expect(verdicts.every((v) => v.body.verdict === 'unknown_root' && v.body.escalation !== null)).toBe(
        true,
      );
    });

    it('opens the budget of cases and one overflow case that counts the rest', async () => {
      const kinds = verdicts.map((v) => v.body.escalation?.kind);
      expect(kinds.slice(0, BUDGET)).toEqual(Array(BUDGET).fill('unknown-root'));
      expect(kinds.slice(BUDGET)).toEqual(Array(FLOOD - BUDGET).fill('unknown-root-overflow'));
      const last = verdicts[FLOOD - 1]?.body.escalation;
      expect(last?.overflow).toEqual({
        verificationsSuppressed: FLOOD - BUDGET,
        newCasesPerVendor: BUDGET,
        windowSeconds: DEFAULT_ESCALATION_LIMITS.windowSeconds,
      });
      expect(last?.checklist.length).toBeGreaterThanOrEqual(3);

      const oncall = (await t.createToken('flood-oncall', 'oncall')).secret;
      const list = await (
        await t.call('GET', '/escalations?vendor=acme&limit=500', { token: oncall })
      ).json();
      const cases = list.cases as Array<{ id: string; kind: string; verificationsBlocked: number }>;
      expect(cases.filter((c) => c.kind === 'unknown-root')).toHaveLength(BUDGET);
      const overflow = cases.filter((c) => c.kind === 'unknown-root-overflow');
      expect(overflow.map((c) => c.verificationsBlocked)).toEqual([FLOOD - BUDGET]);

      const md = await t.call('GET', `/escalations/${overflow[0]?.id}`, {
        token: oncall,
        headers: { accept: 'text/markdown' },
      });
      expect(await md.text()).toContain(`Verifications counted here: **${FLOOD - BUDGET}**`);
    });

    it('writes one audit row and sends one webhook per case opened, not per request', async () => {
      const audit = await (await t.call('GET', '/audit?limit=1000', { token: t.alice })).json();
      const escalationRows = (audit.entries as Array<{ action: string; targetType: string }>).filter(
        (e) => e.targetType === 'escalation',
      );
      expect(escalationRows.map((e) => e.action)).toEqual(Array(BUDGET + 1).fill('escalation.open'));
      expect(received).toHaveLength(BUDGET + 1);
      expect(received.filter((e) => e.case.kind === 'unknown-root-overflow')).toHaveLength(1);
    });
  });

  describe('when another vendor meets a new root during the flood', () => {
    it('opens its own case: the flood spent only acme’s budget', async () => {
      const { signature } = await signUnderMintedRoot(ARTIFACT, 'Globex Rotation 2027');
      const { body } = await verifyAnonymously(t, 'globex', signature);
      expect(body.verdict).toBe('unknown_root');
      expect(body.escalation).toMatchObject({ kind: 'unknown-root', verificationsBlocked: 1 });
    });
  });
});
