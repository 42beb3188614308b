import { describe, expect, it } from 'vitest';
import { type CaseFacts, loadPlaybooks, type Playbooks, renderCase } from '../../src/escalation';
import { DIGEST, playbookSources, TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

function playbooks(): Playbooks {
  const result = loadPlaybooks(playbookSources());
  if (!result.ok) throw new Error(result.message);
  return result.playbooks;
}

const TOP_SHA256_COLON = TOP_SHA256.toUpperCase().match(/../g)?.join(':') ?? '';
const TOP_SPKI_COLON = TOP_SPKI.toUpperCase().match(/../g)?.join(':') ?? '';

function stepMatching(facts: CaseFacts, pattern: RegExp) {
  const { checklist } = renderCase(playbooks()['unknown-root'], facts);
  const step = checklist.find((s) => pattern.test(s.title));
  if (!step) throw new Error(`no step matches ${pattern}: ${checklist.map((s) => s.title).join(' | ')}`);
  return step;
}

/** Characters that would start Markdown syntax if they were not backslash-escaped. */
function unescapedSpecials(markdown: string): string[] {
  return [...markdown.matchAll(/(?<!\\)[[\]()<>*_`]/g)].map((m) => m[0]);
}

describe('renderCase', () => {
  describe('when the facts hold Markdown syntax', () => {
    it('escapes them in each step detail and keeps them as they are in its plain text', () => {
      const facts = unknownRootFacts();
      const vendor = { ...facts.vendor, name: 'Acme_Corp [*EU*]' } as CaseFacts['vendor'];
      const { checklist } = renderCase(playbooks()['unknown-root'], { ...facts, vendor });
      const contact = checklist.find((s) => s.text.includes('Acme_Corp [*EU*]'));
      expect(contact, 'a step names the vendor').toBeDefined();
      expect(contact?.detail).toContain('Acme\\_Corp \\[\\*EU\\*\\]');
      expect(checklist.every((s) => !/\\[=_*[\]]/.test(s.text.replaceAll('Acme_Corp [*EU*]', '')))).toBe(
        true,
      );
    });
  });

  describe('when an unknown-root case is rendered', () => {
    it('gives an ordered checklist of at least three steps with plain titles', () => {
      const { checklist } = renderCase(playbooks()['unknown-root'], unknownRootFacts());
      expect(checklist.length).toBeGreaterThanOrEqual(3);
      expect(checklist.map((s) => s.n)).toEqual(checklist.map((_, i) => i + 1));
      expect(checklist.every((s) => s.title !== '' && s.detail !== '' && !s.done)).toBe(true);
      expect(checklist[1]?.title).toBe('Contact Acme Corp through the channel on file');
    });

    it('shows the openssl commands that compute the fingerprints locally', () => {
      const step = stepMatching(unknownRootFacts(), /fingerprints on your own machine/);
      expect(step.detail).toContain(
        'openssl cms -cmsout -inform DER -in sig.p7s -outform DER | openssl pkcs7 -inform DER -print_certs > chain.pem',
      );
      expect(step.detail).toContain('openssl x509 -in "$CERT" -noout -subject -fingerprint -sha256');
      expect(step.detail).toContain(
        '-pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256',
      );
      expect(step.detail).toContain(TOP_SHA256_COLON);
      expect(step.detail).toContain(TOP_SPKI_COLON);
    });

    it('uses the signature file name and PEM format when the platform gives them', () => {
      const facts = unknownRootFacts({ signature: { fileName: 'package.sig', format: 'PEM' } });
      const step = stepMatching(facts, /fingerprints on your own machine/);
      expect(step.detail).toContain('-inform PEM -in package.sig -outform DER');
    });

    it('lists the contacts on file and the colon fingerprints to read aloud', () => {
      const step = stepMatching(unknownRootFacts(), /Contact/);
      expect(step.detail).toContain('Acme PSIRT (email): `psirt@acme.example`');
      expect(step.detail).toContain('Acme on\\-call (phone): `+1 555 0100`');
      expect(step.detail).toContain(`SHA-256: \`${TOP_SHA256_COLON}\``);
      expect(step.detail).toContain(`SPKI SHA-256: \`${TOP_SPKI_COLON}\``);
    });

    it('lists matching advisories and candidates', () => {
      const step = stepMatching(unknownRootFacts(), /advisories/);
      expect(step.detail).toContain('Acme rotates its code signing root');
      expect(step.detail).toContain('`https://acme.example/advisories/2026-01`');
      expect(step.detail).toContain('**matches this case**, corroborated');
    });

    it('gives the two-admin approval calls and the rejection call', () => {
      const { checklist } = renderCase(playbooks()['unknown-root'], unknownRootFacts());
      const approve = checklist.find((s) => /second admin/.test(s.title));
      expect(approve?.detail).toContain("'https://trustgate.example/vendors/acme/roots'");
      expect(approve?.detail).toContain(
        `'https://trustgate.example/roots/${TOP_SHA256}/approve?vendor=acme'`,
      );
      expect(approve?.detail).toContain('**different** admin');
      const reject = checklist[checklist.length - 1];
      expect(reject?.title).toMatch(/rejected/);
      expect(reject?.detail).toContain("'https://trustgate.example/escalations/esc_0001/resolve'");
      expect(reject?.detail).toContain('"outcome":"rejected"');
    });

    it('gives the re-verification call with the latest blocked digest', () => {
      const step = stepMatching(unknownRootFacts(), /Re-run/);
      expect(step.detail).toContain(`--form-string 'digest=${DIGEST}'`);
      expect(step.detail).toContain("--form-string 'vendor=acme'");
    });

    it('renders the whole Markdown document with the checklist under headings', () => {
      const { markdown, checklist } = renderCase(playbooks()['unknown-root'], unknownRootFacts());
      expect(markdown.startsWith('# Unknown root for Acme Corp: case esc_0001\n')).toBe(true);
      expect(markdown).toContain('Verifications blocked: **3**, first seen 2026-11-25T10:00:00.000Z');
      for (const step of checklist) expect(markdown).toContain(`### ${step.n}. ${step.title}`);
      expect(markdown.match(/^## Checklist$/gm)).toHaveLength(1);
    });
  });

  describe('when the root is not in the signature (the top is not self-issued)', () => {
    it('asks the vendor for the root and approves it by a variable sha256', () => {
      const facts = unknownRootFacts({
        top: {
          subject: 'CN=Acme Intermediate',
          issuer: 'CN=Acme Root X',
          sha256: TOP_SHA256,
          spkiSha256: TOP_SPKI,
        },
      });
      const step = stepMatching(facts, /second admin/);
      expect(step.detail).toContain('the signature does not carry the root that issued `CN=Acme Root X`');
      expect(step.detail).toContain('/roots/$ROOT_SHA256/approve?vendor=acme"');
      expect(step.detail).not.toContain(`/roots/${TOP_SHA256}/approve`);
    });
  });

  describe('when no contact is on file', () => {
    it('says so and points to the trust store instead of inventing one', () => {
      const facts = unknownRootFacts({ vendor: { id: 'acme-corp', name: 'Acme Corp', contacts: [] } });
      const step = stepMatching(facts, /Contact/);
      expect(step.detail).toContain('No escalation contact is on file for Acme Corp');
      expect(step.detail).toContain('the `vendor.json` of `acme-corp` in the trust store');
    });
  });

  describe('when the signature carries contact-like data', () => {
    it('never offers it as a contact', () => {
      const evil = 'CN=Acme Root, emailAddress=helpdesk@evil.example, telephoneNumber=+1 555 6666';
      const facts = unknownRootFacts({
        top: { subject: evil, issuer: evil, sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
      });
      const step = stepMatching(facts, /Contact/);
      expect(step.detail).not.toContain('evil.example');
      expect(step.detail).not.toContain('6666');
      expect(step.detail).toContain('psirt@acme.example');
    });
  });

  describe('when certificate subjects carry Markdown', () => {
    const evil = 'CN=x](http://evil)\n## Step: Injected\n- [x] done `tick`';
    const facts = unknownRootFacts({
      chain: [
        {
          subject: evil,
          issuer: 'CN=[Acme](http://evil.example) *Root*',
          serial: '01',
          sha256: 'a0'.repeat(32),
          spkiSha256: 'b0'.repeat(32),
          notBefore: '2026-01-01T00:00:00Z',
          notAfter: '2027-01-01T00:00:00Z',
        },
      ],
      top: { subject: evil, issuer: 'CN=Other', sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
    });

    it('keeps them inside one code span on one line', () => {
      const { markdown } = renderCase(playbooks()['unknown-root'], facts);
      const span = '`` CN=x](http://evil) ## Step: Injected - [x] done `tick` ``';
      expect(markdown).toContain(`- Certificate 1 (signer): ${span}\n`);
      expect(markdown).toContain(`- Top certificate reached: ${span}\n`);
      expect(markdown).not.toMatch(/^#+ Step: Injected/m);
      expect(markdown).not.toMatch(/^- \[x\]/m);
    });

    it('does not change the checklist', () => {
      const plain = renderCase(playbooks()['unknown-root'], unknownRootFacts()).checklist;
      const rendered = renderCase(playbooks()['unknown-root'], facts).checklist;
      expect(rendered.map((s) => s.title)).toEqual(plain.map((s) => s.title));
    });

    it('escapes them where a playbook prints them as text', () => {
      const source = [
        '---',
        'kind: unknown-root',
        'title: {{top.subject}}',
        '---',
        '## Step: Look at {{top.subject}}',
        'Subject: {{top.subject}}; {{#each chain}}issuer {{issuer}}{{/each}}',
        '## Step: Two',
        'b',
        '## Step: Three',
        'c',
      ].join('\n');
      const loaded = loadPlaybooks({ ...playbookSources(), 'unknown-root': source });
      if (!loaded.ok) throw new Error(loaded.message);
      const { checklist, markdown } = renderCase(loaded.playbooks['unknown-root'], facts);
      const detail = checklist[0]?.detail ?? '';
      expect(detail).toBe(
        'Subject: CN\\=x\\]\\(http\\://evil\\) \\#\\# Step\\: Injected \\- \\[x\\] done \\`tick\\`; ' +
          'issuer CN\\=\\[Acme\\]\\(http\\://evil\\.example\\) \\*Root\\*',
      );
      expect(unescapedSpecials(detail)).toEqual([]);
      expect(checklist[0]?.title).toBe('Look at CN=x](http://evil) ## Step: Injected - [x] done `tick`');
      expect(checklist).toHaveLength(3);
      expect(markdown.split('\n')[0]).toBe(
        '# CN\\=x\\]\\(http\\://evil\\) \\#\\# Step\\: Injected \\- \\[x\\] done \\`tick\\`',
      );
    });
  });

  describe('when steps were done', () => {
    it('marks them in the checklist and the document, with who and the escaped note', () => {
      const facts = unknownRootFacts({
        steps: [{ n: 1, done: true, note: 'matches [ok]', actor: 'alice', at: '2026-11-25T13:00:00.000Z' }],
      });
      const { checklist, markdown } = renderCase(playbooks()['unknown-root'], facts);
      expect(checklist.map((s) => s.done)).toEqual(checklist.map((s) => s.n === 1));
      expect(markdown).toContain('- [x] Done (alice, 2026-11-25T13:00:00.000Z): matches \\[ok\\]');
    });
  });

  describe('when the case is resolved', () => {
    it('says how, by whom and why, escaped', () => {
      const facts = unknownRootFacts({
        state: 'resolved',
        resolution: {
          outcome: 'rejected',
          note: 'vendor said *no*',
          actor: 'bob',
          at: '2026-11-25T14:00:00.000Z',
        },
      });
      const { markdown } = renderCase(playbooks()['unknown-root'], facts);
      expect(markdown).toContain(
        '- Case: `esc_0001`, state **resolved** (rejected by bob: vendor said \\*no\\*)',
      );
    });
  });

  describe('when fingerprints are not hex', () => {
    it('shows them as invalid rather than printing them', () => {
      const facts = unknownRootFacts({
        top: { subject: 'CN=R', issuer: 'CN=R', sha256: '`rm -rf /`', spkiSha256: TOP_SPKI },
      });
      const { markdown } = renderCase(playbooks()['unknown-root'], facts);
      expect(markdown).not.toContain('rm -rf');
      expect(markdown).toContain('SHA-256: `(invalid)`');
    });
  });

  describe('when the other kinds are rendered', () => {
    it('renders distrusted-root and expired-signer-chain with at least three steps', () => {
      for (const kind of ['distrusted-root', 'expired-signer-chain'] as const) {
        const { checklist, markdown } = renderCase(playbooks()[kind], unknownRootFacts({ kind }));
        expect(checklist.length).toBeGreaterThanOrEqual(3);
        expect(markdown).toContain('psirt@acme.example');
        expect(markdown).toContain("'https://trustgate.example/escalations/esc_0001/resolve'");
        expect(markdown).toContain('the package must be re-signed"}');
      }
    });
  });

  describe('when an unknown-root-overflow case is rendered', () => {
    const overflowFacts = unknownRootFacts({
      kind: 'unknown-root-overflow',
      counts: {
        verificationsBlocked: 45,
        firstSeen: '2026-06-01T00:00:00Z',
        lastSeen: '2026-06-01T00:10:00Z',
      },
      overflow: {
        newCasesPerVendor: 5,
        windowSeconds: 3600,
        roots: [
          {
            subject: 'CN=Minted *Root* 1',
            sha256: 'a1'.repeat(32),
            spkiSha256: 'b1'.repeat(32),
            verifications: 1,
            firstSeen: '2026-06-01T00:01:00Z',
            lastSeen: '2026-06-01T00:01:00Z',
          },
          {
            subject: 'CN=Acme Root 2027',
            sha256: TOP_SHA256,
            spkiSha256: TOP_SPKI,
            verifications: 30,
            firstSeen: '2026-06-01T00:00:00Z',
            lastSeen: '2026-06-01T00:10:00Z',
          },
        ],
      },
    });

    it('explains the budget, counts the suppressed verifications and lists the roots, most seen first', () => {
      const { checklist, markdown } = renderCase(playbooks()['unknown-root-overflow'], overflowFacts);
      expect(checklist.length).toBeGreaterThanOrEqual(3);
      expect(markdown).toContain('more than **5** new ones within **1 hour**');
      expect(markdown).toContain('Verifications counted here: **45**');
      expect(markdown).toContain('roots no longer listed below: **14**');
      expect(markdown.indexOf(TOP_SHA256_COLON)).toBeLessThan(markdown.indexOf('A1:A1:A1'));
      expect(markdown).toContain('verifications **30**');
      expect(markdown).toContain('`CN=Minted *Root* 1`');
      expect(markdown).toContain('psirt@acme.example');
      expect(markdown).toContain('unknown roots reviewed; none confirmed by the vendor');
    });

    it('keeps the roots other callers sent out of the checklist a verdict carries', () => {
      const { checklist } = renderCase(playbooks()['unknown-root-overflow'], overflowFacts);
      const text = checklist.map((s) => `${s.title}\n${s.detail}`).join('\n');
      expect(text).not.toContain('A1:A1:A1');
      expect(text).not.toContain(TOP_SHA256_COLON);
    });
  });
});
