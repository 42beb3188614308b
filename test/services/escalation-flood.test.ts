import { afterEach, describe, expect, it } from 'vitest';
import { createEscalationRepository } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import type { EscalationLimits } from '../../src/escalation';
import { readPlaybooks } from '../../src/platform/playbook-files';
import { createEscalationService } from '../../src/services/escalations';
import type { AuditEntry, Vendor } from '../../src/trust';
import type { CertificateSummary, VerifyOutcome } from '../../src/verify';
import { MIGRATIONS, PLAYBOOKS } from '../helpers/test-app';

const T0 = new Date('2026-06-01T00:00:00Z');
const LIMITS: Partial<EscalationLimits> = {
  newCasesPerVendor: 5,
  windowSeconds: 3600,
  overflowRootsListed: 10,
};

const vendor = (id: string): Vendor => ({
  id,
  name: `${id} Corp`,
  contacts: [{ name: `${id} PSIRT`, channel: 'email', value: `psirt@${id}.example` }],
  identityRules: [],
  revocationPolicy: 'best-effort',
  version: 1,
  createdAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
});
const VENDORS = new Map(['acme', 'globex'].map((id) => [id, vendor(id)]));

/** A certificate summary for the n-th freshly minted self-signed root of `label` (distinct key per n). */
function mintedRoot(label: string, n: number): CertificateSummary {
  const tag = Buffer.from(`${label}:${n}`).toString('hex').padEnd(64, '0').slice(0, 64);
  return {
    subject: `CN=${label} minted root ${n}`,
    issuer: `CN=${label} minted root ${n}`,
    serial: n.toString(16).padStart(2, '0'),
    sha256: `${tag.slice(0, 62)}aa`,
    spkiSha256: `${tag.slice(0, 62)}bb`,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2036-01-01T00:00:00.000Z',
  };
}

function unknownRootOutcome(root: CertificateSummary): VerifyOutcome {
  const leaf: CertificateSummary = {
    ...root,
    subject: `CN=signer under ${root.subject.slice(3)}`,
    sha256: `${root.sha256.slice(0, 62)}cc`,
    spkiSha256: `${root.spkiSha256.slice(0, 62)}dd`,
  };
  return {
    verdict: 'unknown_root',
    reasons: [
      {
        code: 'UNKNOWN_ROOT',
        message: `the chain ends at ${root.subject}, which is not a root of the vendor`,
      },
    ],
    signer: leaf,
    chain: [leaf, root],
    anchorId: null,
    top: root,
    digestAlgorithm: 'SHA-256',
    signerDer: null,
  };
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** The service over a fresh libSQL database, with a clock the test moves, and what it audited and posted. */
async function setUp(limits: Partial<EscalationLimits> = LIMITS) {
  const { db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS);
  closers.push(close);
  let now = T0;
  const audit: AuditEntry[] = [];
  const webhooks: Array<{ type: string; case: { id: string; kind: string } }> = [];
  const background: Promise<unknown>[] = [];
  let counter = 0;
  const service = createEscalationService({
    cases: createEscalationRepository(db),
    playbooks: await readPlaybooks(PLAYBOOKS),
    vendors: { getVendor: async (id) => VENDORS.get(id) ?? null },
    appendAudit: async (entry) => {
      audit.push(entry);
    },
    now: () => now,
    randomBytes: (bytes) => {
      counter++;
      bytes.fill(0);
      new DataView(bytes.buffer, bytes.byteOffset).setUint32(0, counter);
      return bytes;
    },
    serviceBaseUrl: 'https://trustgate.test',
    webhook: {
      url: 'https://hooks.test/trustgate',
      fetch: async (_url, init) => {
        webhooks.push(JSON.parse(String(init.body)));
        return new Response(null, { status: 204 });
      },
      sleep: async () => undefined,
    },
    background: (work) => {
      background.push(work);
    },
    limits,
  });
  const verify = (vendorId: string, root: CertificateSummary, n = 0) =>
    service.escalate({
      vendor: VENDORS.get(vendorId) as Vendor,
      outcome: unknownRootOutcome(root),
      artifactDigest: digest(n),
      at: now,
    });
  return {
    service,
    verify,
    audit,
    webhooks,
    delivered: async () => {
      await Promise.all(background);
      return webhooks;
    },
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

describe('escalation service under a flood of unknown roots', () => {
  describe('when one vendor sees 50 distinct minted roots within the window', () => {
    it('opens 5 cases and one overflow case counting the other 45, with 6 webhooks and 6 audit rows', async () => {
      const t = await setUp();
      const verdicts = [];
      for (let i = 0; i < 50; i++) {
        t.advance(1);
        verdicts.push(await t.verify('acme', mintedRoot('flood', i), i));
      }
      const cases = await t.service.list({ vendorId: 'acme', limit: 500 });
      const perRoot = cases.filter((c) => c.kind === 'unknown-root');
      const overflow = cases.filter((c) => c.kind === 'unknown-root-overflow');
      expect(perRoot).toHaveLength(5);
      expect(overflow).toHaveLength(1);
      expect(overflow[0]?.verificationsBlocked).toBe(45);
      expect(overflow[0]?.overflow?.roots).toHaveLength(10);

      // Every verdict still carries an escalation: its own case, or the overflow case that counted it.
      expect(verdicts.every((v) => v !== null)).toBe(true);
      expect(verdicts.slice(0, 5).map((v) => v?.kind)).toEqual(Array(5).fill('unknown-root'));
      const last = verdicts[49];
      expect(last).toMatchObject({
        kind: 'unknown-root-overflow',
        id: overflow[0]?.id,
        topCertificate: { spkiSha256: mintedRoot('flood', 49).spkiSha256 },
        overflow: { verificationsSuppressed: 45, newCasesPerVendor: 5, windowSeconds: 3600 },
      });
      expect(last?.checklist.length).toBeGreaterThanOrEqual(3);

      expect(t.audit.map((a) => a.action)).toEqual(Array(6).fill('escalation.open'));
      const hooks = await t.delivered();
      expect(hooks.map((h) => h.case.kind).sort()).toEqual([
        ...Array(5).fill('unknown-root'),
        'unknown-root-overflow',
      ]);
      expect(hooks.every((h) => h.type === 'escalation.opened')).toBe(true);
    });
  });

  describe('when the flood and a second vendor arrive at once', () => {
    it('leaves the second vendor its own budget', async () => {
      const t = await setUp();
      for (let i = 0; i < 30; i++) await t.verify('acme', mintedRoot('flood', i), i);
      const rotation = await t.verify('globex', mintedRoot('globex-2027', 1));
      expect(rotation).toMatchObject({ kind: 'unknown-root', state: 'open' });
      expect(rotation?.checklist.map((s) => s.detail).join('\n')).toContain('psirt@globex.example');
      expect((await t.service.list({ vendorId: 'globex' })).map((c) => c.kind)).toEqual(['unknown-root']);
    });
  });

  describe('when the window has passed since the flood', () => {
    it('opens a case of its own for the next new root, and the overflow case stays one', async () => {
      const t = await setUp();
      for (let i = 0; i < 8; i++) await t.verify('acme', mintedRoot('flood', i), i);
      t.advance(3599);
      expect(await t.verify('acme', mintedRoot('early', 1))).toMatchObject({ kind: 'unknown-root-overflow' });
      t.advance(1);
      expect(await t.verify('acme', mintedRoot('rotation', 1))).toMatchObject({
        kind: 'unknown-root',
        verificationsBlocked: 1,
      });
      const cases = await t.service.list({ vendorId: 'acme', limit: 500 });
      expect(cases.filter((c) => c.kind === 'unknown-root')).toHaveLength(6);
      expect(cases.filter((c) => c.kind === 'unknown-root-overflow')).toHaveLength(1);
      expect(t.audit).toHaveLength(7);
    });
  });

  describe('when the budget is spent and a root that already has its case comes back', () => {
    it('joins its own case, not the overflow case', async () => {
      const t = await setUp();
      const first = await t.verify('acme', mintedRoot('real', 1));
      for (let i = 0; i < 10; i++) await t.verify('acme', mintedRoot('flood', i), i);
      const again = await t.verify('acme', mintedRoot('real', 1));
      expect(again).toMatchObject({ id: first?.id, kind: 'unknown-root', verificationsBlocked: 2 });
    });
  });

  describe('when one known root is verified 40 times', () => {
    it('counts them on its one case without an audit row or webhook per request', async () => {
      const t = await setUp();
      let latest = null;
      for (let i = 0; i < 40; i++) {
        t.advance(1);
        latest = await t.verify('acme', mintedRoot('known', 1), i);
      }
      expect(latest).toMatchObject({ kind: 'unknown-root', verificationsBlocked: 40 });
      expect(t.audit).toHaveLength(1);
      expect(await t.delivered()).toHaveLength(1);
    });
  });

  describe('when 50 minted roots race in at the same time', () => {
    it('opens exactly the budget of cases and loses no count', async () => {
      const t = await setUp();
      const verdicts = await Promise.all(
        Array.from({ length: 50 }, (_, i) => t.verify('acme', mintedRoot('race', i), i)),
      );
      const cases = await t.service.list({ vendorId: 'acme', limit: 500 });
      const perRoot = cases.filter((c) => c.kind === 'unknown-root');
      const overflow = cases.filter((c) => c.kind === 'unknown-root-overflow');
      expect(perRoot).toHaveLength(5);
      expect(overflow).toHaveLength(1);
      const counted =
        perRoot.reduce((n, c) => n + c.verificationsBlocked, 0) + (overflow[0]?.verificationsBlocked ?? 0);
      expect(counted).toBe(50);
      expect(verdicts.every((v) => v !== null)).toBe(true);
      expect(t.audit.length).toBe(perRoot.length + 1);
      expect(await t.delivered()).toHaveLength(perRoot.length + 1);
    });
  });

  describe('when 20 parallel pipelines meet the new root of a real rotation at once', () => {
    it('opens its one case with every verification counted, spending one slot of the budget', async () => {
      const t = await setUp();
      await Promise.all(Array.from({ length: 20 }, (_, i) => t.verify('acme', mintedRoot('rotation', 1), i)));
      const cases = await t.service.list({ vendorId: 'acme' });
      expect(cases.map((c) => [c.kind, c.verificationsBlocked])).toEqual([['unknown-root', 20]]);
      expect(t.audit).toHaveLength(1);
      const next = [];
      for (let i = 0; i < 5; i++) next.push((await t.verify('acme', mintedRoot('other', i)))?.kind);
      expect(next).toEqual([...Array(4).fill('unknown-root'), 'unknown-root-overflow']);
    });
  });

  describe('when one known root is verified 30 times concurrently', () => {
    it('counts every verification on its one case', async () => {
      const t = await setUp();
      await t.verify('acme', mintedRoot('hot', 1));
      await Promise.all(Array.from({ length: 30 }, (_, i) => t.verify('acme', mintedRoot('hot', 1), i)));
      const [hot] = await t.service.list({ vendorId: 'acme' });
      expect(hot?.verificationsBlocked).toBe(31);
      expect(t.audit).toHaveLength(1);
    });
  });

  describe('when on-call resolves the overflow case and the flood goes on', () => {
    it('opens one new overflow case, with one more webhook', async () => {
      const t = await setUp({ newCasesPerVendor: 1 });
      for (let i = 0; i < 5; i++) await t.verify('acme', mintedRoot('flood', i), i);
      const [overflow] = (await t.service.list({ vendorId: 'acme' })).filter(
        (c) => c.kind === 'unknown-root-overflow',
      );
      await t.service.resolve(overflow?.id ?? '', { outcome: 'rejected', note: 'a flood', actor: 'pat' });
      for (let i = 5; i < 10; i++) await t.verify('acme', mintedRoot('flood', i), i);
      const open = await t.service.list({ vendorId: 'acme', state: 'open' });
      expect(
        open.filter((c) => c.kind === 'unknown-root-overflow').map((c) => c.verificationsBlocked),
      ).toEqual([5]);
      const hooks = await t.delivered();
      expect(hooks.map((h) => h.type)).toEqual([
        'escalation.opened',
        'escalation.opened',
        'escalation.resolved',
        'escalation.opened',
      ]);
    });
  });
});
