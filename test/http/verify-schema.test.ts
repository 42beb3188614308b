import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerdictSchema } from '../../src/http/verdict-schema';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { createTestApp } from '../helpers/test-app';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

async function verify(name: string, vendor?: string): Promise<unknown> {
  const c = cmsCase(name);
  const form = new FormData();
  form.append('vendor', vendor ?? c.vendor);
  form.append('artifact', new Blob([new Uint8Array(readFixture(c.artifact))]), 'artifact.bin');
  form.append('signature', new Blob([new Uint8Array(readFixture(c.signature))]), 'signature.bin');
  const res = await ctx.app.request('/verify', { method: 'POST', body: form });
  expect(res.status).toBe(200);
  return res.json();
}

describe('VerdictSchema', () => {
  describe('when /verify answers trusted with a warning (no revocation information)', () => {
    it('parses the response strictly, warnings included', async () => {
      const body = await verify('rsa2048-sha256-detached-der-trusted');
      const parsed = VerdictSchema.parse(body);
      expect(parsed.verdict).toBe('trusted');
      expect(parsed.warnings?.map((w) => w.code)).toEqual(['REVOCATION_UNAVAILABLE']);
      expect(parsed).toEqual(body);
    });
  });

  describe('when /verify answers rejected', () => {
    it('parses the response strictly', async () => {
      const body = await verify('artifact-tampered-digest-mismatch');
      const parsed = VerdictSchema.parse(body);
      expect(parsed.verdict).toBe('rejected');
      expect(parsed).toEqual(body);
    });
  });

  describe('when /verify answers unknown_root with an escalation case', () => {
    it('parses the response strictly, the escalation included', async () => {
      const body = await verify('globex-chain-checked-against-acme-unknown-root', 'acme');
      const parsed = VerdictSchema.parse(body);
      expect(parsed.verdict).toBe('unknown_root');
      expect(parsed.escalation?.checklist.length).toBeGreaterThanOrEqual(3);
      expect(parsed.escalation).toHaveProperty('verificationsBlocked');
      expect(parsed).toEqual(body);
    });
  });

  describe('when a response carries a field the schema lacks', () => {
    it('refuses it, at the top and inside the escalation', async () => {
      const body = (await verify('globex-chain-checked-against-acme-unknown-root', 'acme')) as {
        escalation: Record<string, unknown>;
      };
      expect(VerdictSchema.safeParse({ ...body, extra: 1 }).success).toBe(false);
      expect(VerdictSchema.safeParse({ ...body, escalation: { ...body.escalation, extra: 1 } }).success).toBe(
        false,
      );
    });
  });
});

describe('GET /openapi.json', () => {
  describe('when the Verdict schema is read', () => {
    it('documents warnings and the escalation fields a verdict carries', async () => {
      const doc = await (await ctx.app.request('/openapi.json')).json();
      const verdict = doc.components.schemas.Verdict;
      expect(Object.keys(verdict.properties)).toContain('warnings');
      expect(verdict.required).not.toContain('warnings');
      expect(Object.keys(doc.components.schemas.VerdictEscalation.properties)).toEqual(
        expect.arrayContaining(['verificationsBlocked', 'firstSeen', 'lastSeen', 'checklist']),
      );
    });
  });
});
