import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_KINDS, type CaseFacts, type CaseKind } from '../../src/escalation';

export const PLAYBOOK_DIR = join(import.meta.dirname, '../../advisories/playbooks');

/** The playbook files as the platform would read them. */
export function playbookSources(): Record<CaseKind, string> {
  return Object.fromEntries(
    CASE_KINDS.map((kind) => [kind, readFileSync(join(PLAYBOOK_DIR, `${kind}.md`), 'utf8')]),
  ) as Record<CaseKind, string>;
}

export const TOP_SHA256 = 'c0'.repeat(32);
export const TOP_SPKI = 'd1'.repeat(32);
export const DIGEST = `sha256:${'ef'.repeat(32)}`;

export function unknownRootFacts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    caseId: 'esc_0001',
    kind: 'unknown-root',
    state: 'open',
    vendor: {
      id: 'acme',
      name: 'Acme Corp',
      contacts: [
        { name: 'Acme PSIRT', channel: 'email', value: 'psirt@acme.example' },
        { name: 'Acme on-call', channel: 'phone', value: '+1 555 0100' },
      ],
    },
    chain: [
      {
        subject: 'CN=Acme Code Signing, O=Acme',
        issuer: 'CN=Acme Root 2026',
        serial: '01ab',
        sha256: 'a0'.repeat(32),
        spkiSha256: 'b0'.repeat(32),
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2027-01-01T00:00:00Z',
      },
      {
        subject: 'CN=Acme Root 2026',
        issuer: 'CN=Acme Root 2026',
        serial: '02',
        sha256: TOP_SHA256,
        spkiSha256: TOP_SPKI,
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2036-01-01T00:00:00Z',
      },
    ],
    top: {
      subject: 'CN=Acme Root 2026',
      issuer: 'CN=Acme Root 2026',
      sha256: TOP_SHA256,
      spkiSha256: TOP_SPKI,
    },
    advisories: [
      {
        title: 'Acme rotates its code signing root',
        link: 'https://acme.example/advisories/2026-01',
        feed: 'acme-security',
        published: '2026-01-15T09:00:00Z',
      },
    ],
    candidates: [
      { sha256: TOP_SHA256, spkiSha256: TOP_SPKI, corroborated: true, provenance: 'acme-security feed' },
    ],
    artifactDigests: [DIGEST],
    counts: { verificationsBlocked: 3, firstSeen: '2026-11-25T10:00:00Z', lastSeen: '2026-11-25T12:30:00Z' },
    serviceBaseUrl: 'https://trustgate.example/',
    ...overrides,
  };
}
