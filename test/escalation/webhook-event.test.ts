import { describe, expect, it } from 'vitest';
import { openOrJoin, resolve, verdictEscalation, webhookEvent } from '../../src/escalation';
import { TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

const T0 = new Date('2026-11-25T10:00:00.000Z');
const T1 = new Date('2026-11-25T11:00:00.000Z');

function openCase() {
  return openOrJoin(undefined, {
    newCaseId: 'esc 1/2',
    vendorId: 'acme',
    top: { subject: 'CN=Acme Root 2026', sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
    chain: unknownRootFacts().chain,
    artifactDigest: `sha256:${'ef'.repeat(32)}`,
    at: T0,
    stepCount: 6,
  }).case;
}

describe('webhookEvent', () => {
  describe('when a case resolves', () => {
    it('carries the resolution and a link to the case', () => {
      const r = resolve(openCase(), {
        outcome: 'approved',
        note: 'root confirmed',
        actor: 'admin-2',
        at: T1,
      });
      if (!r.ok) throw new Error(r.error.message);
      const event = webhookEvent('escalation.resolved', r.case, {
        eventId: 'evt_9',
        at: T1,
        serviceBaseUrl: 'https://trustgate.example',
      });
      expect(event).toEqual({
        id: 'evt_9',
        type: 'escalation.resolved',
        occurredAt: T1.toISOString(),
        case: {
          id: 'esc 1/2',
          kind: 'unknown-root',
          state: 'resolved',
          vendorId: 'acme',
          top: { subject: 'CN=Acme Root 2026', sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
          verificationsBlocked: 1,
          firstSeen: T0.toISOString(),
          lastSeen: T0.toISOString(),
          resolution: { outcome: 'approved', note: 'root confirmed', actor: 'admin-2', at: T1.toISOString() },
          url: 'https://trustgate.example/escalations/esc%201%2F2',
        },
      });
    });
  });
});

describe('verdictEscalation', () => {
  describe('when a case and its rendering are combined', () => {
    it('names the top certificate fingerprint and carries the checklist', () => {
      const checklist = [{ n: 1, title: 't', detail: 'd', text: 'd', done: false }];
      const v = verdictEscalation(openCase(), { checklist, markdown: '' });
      expect(v).toMatchObject({
        id: 'esc 1/2',
        state: 'open',
        topCertificate: { sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
        checklist,
      });
    });
  });
});
