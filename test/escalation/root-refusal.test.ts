import { describe, expect, it } from 'vitest';
import {
  type BlockedVerification,
  loadPlaybooks,
  openOrJoin,
  renderCase,
  type TopCertificate,
  type TopRootRefusal,
} from '../../src/escalation';
import { playbookSources, TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

/** How a case carries and renders why its top certificate cannot be a root (src/trust `rootRefusal`). */

const T0 = new Date('2026-11-25T10:00:00.000Z');
const NOT_CA: TopRootRefusal = {
  code: 'ROOT_NOT_CA',
  detail: 'CN=Module Key is not a CA certificate (no basicConstraints cA): a root must be a CA, not a signer',
  remedy: 'pin-signer',
};
const top = (rootRefusal?: TopRootRefusal): TopCertificate => ({
  subject: 'CN=Module Key',
  issuer: 'CN=Module Key',
  sha256: TOP_SHA256,
  spkiSha256: TOP_SPKI,
  ...(rootRefusal ? { rootRefusal } : {}),
});
const blocked = (t: TopCertificate, at = T0): BlockedVerification => ({
  newCaseId: 'esc_new',
  vendorId: 'acme',
  top: t,
  chain: unknownRootFacts().chain,
  artifactDigest: null,
  at,
  stepCount: 6,
});

function unknownRootPlaybook() {
  const loaded = loadPlaybooks(playbookSources());
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.playbooks['unknown-root'];
}

describe('a case whose top certificate cannot be a root', () => {
  it('keeps the refusal of the latest verification, and drops it once the top could be approved', () => {
    const opened = openOrJoin(undefined, blocked(top(NOT_CA))).case;
    expect(opened.top.rootRefusal).toEqual(NOT_CA);
    const joined = openOrJoin(opened, blocked(top(), new Date(T0.getTime() + 60_000))).case;
    expect(joined.top.rootRefusal).toBeUndefined();
    expect(JSON.parse(JSON.stringify(opened)).top.rootRefusal).toEqual(NOT_CA);
  });

  it('escapes the refusal, which names the certificate, in the Markdown', () => {
    const evil: TopRootRefusal = { ...NOT_CA, detail: 'CN=[click](https://evil.example) is not a CA' };
    const { markdown } = renderCase(unknownRootPlaybook(), unknownRootFacts({ top: top(evil) }));
    expect(markdown).not.toContain('[click](https://evil.example)');
    expect(markdown).toContain('\\[click\\]\\(https\\://evil');
  });

  it('treats a remedy it does not know as approvable (the checklist of before)', () => {
    const odd = { ...NOT_CA, remedy: 'something-else' } as unknown as TopRootRefusal;
    const plain = renderCase(unknownRootPlaybook(), unknownRootFacts({ top: top() }));
    const withOdd = renderCase(unknownRootPlaybook(), unknownRootFacts({ top: top(odd) }));
    expect(withOdd.checklist.map((s) => s.title)).toEqual(plain.checklist.map((s) => s.title));
  });

  it('numbers the same six steps whatever the remedy', () => {
    for (const remedy of ['pin-signer', 'full-chain'] as const) {
      const { checklist } = renderCase(
        unknownRootPlaybook(),
        unknownRootFacts({ top: top({ ...NOT_CA, remedy }) }),
      );
      expect(checklist.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(checklist[4]?.title).toBe('Re-run the verification');
      expect(checklist[5]?.title).toBe('Or close the case as rejected');
    }
  });
});
