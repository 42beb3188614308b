import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDetached } from '../helpers/cms-builder';
import { createAdminTestApp } from '../trust/helpers/admin-client';
import {
  CODE_SIGNING,
  ext,
  type Issued,
  makeCa,
  makeCert,
  makeLeaf,
  makeRoot,
} from '../verify/path/cert-factory';

/**
 * No dead-end escalation (issue 17, item 5): when the top certificate an unknown-root verdict reached
 * could not be approved as a root, the case (`top.rootRefusal`) and its checklist say why, by the admin
 * API's own rule, and what to do instead; an approvable root keeps the propose-and-approve checklist.
 */

type App = Awaited<ReturnType<typeof createAdminTestApp>>;
const content = new TextEncoder().encode('a kernel module, say');

interface CaseBody {
  case: {
    kind: string;
    top: { subject: string; rootRefusal?: { code: string; detail: string; remedy: string } };
  };
  checklist: Array<{ n: number; title: string; detail: string }>;
  markdown: string;
}

describe('escalations whose top certificate cannot be a root', () => {
  let t: App;
  beforeAll(async () => {
    t = await createAdminTestApp();
  });
  afterAll(() => t.close());

  /** /verify for acme, then the case it opened as GET /escalations/{id} returns it. */
  async function escalate(signer: Issued, issuerCn: string, serial: number, certificates: Uint8Array[]) {
    const signature = await signDetached({ content, signer, issuerCn, serial, certificates });
    const res = await t.call('POST', '/verify', {
      body: {
        vendor: 'acme',
        artifact: Buffer.from(content).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
      },
    });
    const verdict = (await res.json()) as {
      verdict: string;
      escalation: { id: string; checklist: CaseBody['checklist'] } | null;
    };
    expect(verdict.verdict).toBe('unknown_root');
    const id = verdict.escalation?.id ?? '';
    const body = (await (await t.call('GET', `/escalations/${id}`, { token: t.alice })).json()) as CaseBody;
    // The verdict carries the same checklist as the case.
    expect(verdict.escalation?.checklist).toEqual(body.checklist);
    return body;
  }

  describe('when the signer is a self-signed key that is no CA (as a kernel module key)', () => {
    let body: CaseBody;
    beforeAll(async () => {
      const key = await makeCert({
        cn: 'Module Signing Key (refusal test)',
        serial: 501,
        extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
      });
      body = await escalate(key, key.cn, 501, [key.der]);
    });

    it('records in the case JSON why it cannot be a root: ROOT_NOT_CA, remedy pin-signer', () => {
      expect(body.case.kind).toBe('unknown-root');
      expect(body.case.top.rootRefusal).toEqual({
        code: 'ROOT_NOT_CA',
        detail:
          'CN=Module Signing Key (refusal test) is not a CA certificate (no basicConstraints cA): a root must be a CA, not a signer',
        remedy: 'pin-signer',
      });
    });

    it('keeps six steps, and step 4 pins the signer through POST /vendors/{id}/signers instead of proposing a root', () => {
      expect(body.checklist.map((s) => s.n)).toEqual([1, 2, 3, 4, 5, 6]);
      const step = body.checklist[3];
      expect(step?.title).toBe('Pin the signer instead (this certificate cannot be a root)');
      expect(step?.detail).toContain('The admin API refuses it\n(`ROOT_NOT_CA`)');
      expect(step?.detail).toContain('/vendors/acme/signers');
      expect(step?.detail).not.toContain('/vendors/acme/roots');
      expect(body.markdown).toContain('**This top certificate cannot be approved as a root:**');
      expect(body.markdown).not.toContain('this is the root itself');
    });
  });

  describe('when the signature carries no root (the top is not self-issued: an incomplete chain)', () => {
    let body: CaseBody;
    beforeAll(async () => {
      const root = await makeRoot('Withheld Root (refusal test)');
      const ca = await makeCa('Issuing CA (refusal test)', root);
      const signer = await makeLeaf('Signer (refusal test)', ca, { serial: 502 });
      body = await escalate(signer, ca.cn, 502, [signer.der, ca.der]);
    });

    it('records ROOT_NOT_SELF_ISSUED with remedy full-chain', () => {
      expect(body.case.top.subject).toBe('CN=Issuing CA (refusal test)');
      expect(body.case.top.rootRefusal).toMatchObject({ code: 'ROOT_NOT_SELF_ISSUED', remedy: 'full-chain' });
      expect(body.case.top.rootRefusal?.detail).toContain('it was issued by CN=Withheld Root (refusal test)');
    });

    it('asks the vendor for its full chain, through the contact on file, and proposes the root at its top', () => {
      const [, contact, , step] = body.checklist;
      expect(contact?.detail).toContain('ask them for their full and current certificate chain');
      expect(step?.title).toBe('Get the full chain and propose its root (this certificate cannot be a root)');
      expect(step?.detail).toContain('Save the root at its top as `root.pem`');
      expect(step?.detail).toContain('/roots/$ROOT_SHA256/approve');
    });
  });

  describe('when the top is a root the admin API would accept', () => {
    let body: CaseBody;
    beforeAll(async () => {
      const root = await makeRoot('Approvable Root (refusal test)');
      const signer = await makeLeaf('Signer Under Approvable (refusal test)', root, { serial: 503 });
      body = await escalate(signer, root.cn, 503, [signer.der, root.der]);
    });

    it('records no refusal and keeps the propose-and-approve checklist', () => {
      expect(body.case.top.rootRefusal).toBeUndefined();
      expect(body.checklist[3]?.title).toBe('Propose the root and have a second admin approve it');
      expect(body.checklist[3]?.detail).toContain('/vendors/acme/roots');
      expect(body.markdown).not.toContain('cannot be approved as a root');
      expect(body.markdown).toContain('(self-issued: this is the root itself)');
    });
  });
});
