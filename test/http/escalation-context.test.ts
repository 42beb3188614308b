import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';
import { createAdminTestApp, problem, ROOTS } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;

/** globex's chain checked as vendor acme: it stops below Globex Root CA P-384, active for globex. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';
const ARTIFACT = new TextEncoder().encode('a package nobody vouches for\n');

interface CaseContext {
  otherVendorRoots: Array<{ vendorId: string; vendorName: string; sha256: string; match: string }>;
  feedsOnFile: number | null;
}
interface Detail {
  case: Record<string, unknown> & { caller?: { fileName?: string; jobUrl?: string; at: string } };
  checklist: Array<{ n: number; title: string; detail: string }>;
  markdown: string;
  context?: CaseContext;
}

/** Every string in `value` (deep) that holds a backslash, with its path. */
function backslashed(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes('\\') ? [path] : [];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => backslashed(v, `${path}.${k}`));
  }
  return [];
}

describe('escalation cases that know their context', () => {
  let t: App;
  let oncall: string;
  beforeEach(async () => {
    t = await createAdminTestApp({ allowPrivateFeeds: true });
    oncall = (await t.createToken('pat-oncall', 'oncall')).secret;
  });
  afterEach(() => t.close());

  const detail = async (id: string): Promise<Detail> =>
    (await t.call('GET', `/escalations/${id}`, { token: oncall })).json();
  const markdown = async (id: string) =>
    (
      await t.call('GET', `/escalations/${id}`, { token: oncall, headers: { accept: 'text/markdown' } })
    ).text();

  /** POST /verify (JSON) of a package under a brand-new root, with extra body fields. */
  const verifyMinted = async (label: string, extra: Record<string, unknown> = {}) => {
    const { signature } = await signUnderMintedRoot(ARTIFACT, label);
    return t.call('POST', '/verify', {
      body: {
        vendor: 'acme',
        artifact: Buffer.from(ARTIFACT).toString('base64'),
        signature: Buffer.from(signature).toString('base64'),
        ...extra,
      },
    });
  };

  describe('when the unreached root is active for another vendor', () => {
    it('names that vendor in the case JSON, the verdict and the Markdown instead of sending on-call to this vendor', async () => {
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const escalation = body.escalation as { id: string; context: CaseContext };
      const expected = {
        vendorId: 'globex',
        vendorName: expect.any(String),
        sha256: ROOTS.globexP384,
        match: 'issuer',
      };
      expect(escalation.context.otherVendorRoots).toEqual([expect.objectContaining(expected)]);
      const d = await detail(escalation.id);
      expect(d.context?.otherVendorRoots).toEqual([expect.objectContaining(expected)]);
      expect(d.checklist[1]?.title).toMatch(/^Check the vendor with the caller/);
      const md = await markdown(escalation.id);
      expect(md).toContain('The caller probably named the wrong vendor');
      expect(md).toContain('`globex`');
      expect(md).toContain('names that root as its issuer');
    });

    it('says nothing of the kind once that root is no longer active', async () => {
      const retired = await t.call('POST', `/roots/${ROOTS.globexP384}/retire?vendor=globex`, {
        token: t.alice,
        body: { reason: 'globex moved to a new root' },
      });
      expect(retired.status).toBe(200);
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const escalation = body.escalation as { id: string; context: CaseContext };
      expect(escalation.context.otherVendorRoots).toEqual([]);
      expect(await markdown(escalation.id)).not.toContain('wrong vendor');
    });

    it('says nothing of the kind for a root no vendor has', async () => {
      const res = await verifyMinted('Nobody');
      const escalation = (await res.json()).escalation as { id: string; context: CaseContext };
      expect(escalation.context.otherVendorRoots).toEqual([]);
      const d = await detail(escalation.id);
      expect(d.checklist[1]?.title).toMatch(/^Contact .* through the channel on file$/);
    });
  });

  describe('when the vendor has no advisory feed', () => {
    it('says the vendor has no feed on file rather than that no advisory matches', async () => {
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const escalation = body.escalation as { id: string; context: CaseContext };
      expect(escalation.context.feedsOnFile).toBe(0);
      const md = await markdown(escalation.id);
      expect(md).toMatch(/has no advisory feed on file\*\*, so no advisory can match/);
      expect(md).not.toContain('feeds matches this root');
    });

    it('says no advisory matches once a feed is subscribed', async () => {
      const subscribed = await t.call('POST', '/vendors/acme/feeds', {
        token: t.alice,
        body: { url: 'http://127.0.0.1:9/feed.xml', reason: 'Acme PKI news' },
      });
      expect(subscribed.status).toBe(201);
      const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
      const escalation = body.escalation as { id: string; context: CaseContext };
      expect(escalation.context.feedsOnFile).toBe(1);
      const md = await markdown(escalation.id);
      expect(md).toContain('feeds matches this root');
      expect(md).not.toContain('no advisory feed on file');
    });
  });

  describe("when the caller sends the file name and the pipeline job's URL", () => {
    const fileName = 'widget_1.4.2 [beta] (final) #2.tar.gz';
    const jobUrl = 'https://ci.example/acme/widget/-/jobs/42?ref=main_*x*';

    it('keeps them on the case, plain in JSON and escaped only in the Markdown', async () => {
      const res = await verifyMinted('Caller', { fileName, jobUrl });
      expect(res.status).toBe(200);
      const verdict = await res.json();
      expect(verdict.escalation.caller).toEqual({ fileName, jobUrl, at: '2026-06-01T00:00:00.000Z' });
      const d = await detail(verdict.escalation.id);
      expect(d.case.caller).toEqual({ fileName, jobUrl, at: '2026-06-01T00:00:00.000Z' });
      const md = await markdown(verdict.escalation.id);
      expect(md).toContain(`file \`${fileName}\`, pipeline job \`${jobUrl}\``);
    });

    it('takes them from a multipart body too', async () => {
      const { signature } = await signUnderMintedRoot(ARTIFACT, 'Multipart');
      const form = new FormData();
      form.set('vendor', 'acme');
      form.set('signature', new Blob([new Uint8Array(signature)]));
      form.set('artifact', new Blob([ARTIFACT]));
      form.set('fileName', 'widget.bin');
      form.set('jobUrl', 'http://ci.internal/job/7');
      const res = await t.app.request('/verify', { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const verdict = await res.json();
      expect(verdict.escalation.caller).toMatchObject({
        fileName: 'widget.bin',
        jobUrl: 'http://ci.internal/job/7',
      });
    });

    it('keeps the latest caller that gave any when a case is joined', async () => {
      const { signature } = await signUnderMintedRoot(ARTIFACT, 'Joined');
      const send = (extra: Record<string, unknown>) =>
        t.call('POST', '/verify', {
          body: {
            vendor: 'acme',
            artifact: Buffer.from(ARTIFACT).toString('base64'),
            signature: Buffer.from(signature).toString('base64'),
            ...extra,
          },
        });
      await send({ fileName: 'first.bin' });
      await send({});
      const last = await (await send({ fileName: 'second.bin' })).json();
      expect(last.escalation.verificationsBlocked).toBe(3);
      expect(last.escalation.caller.fileName).toBe('second.bin');
    });

    it.each([
      ['a path', { fileName: '../etc/passwd' }],
      ['a backslash', { fileName: 'C:\\temp\\x.exe' }],
      ['a control character', { fileName: 'a\nb.bin' }],
      ['a bidirectional override', { fileName: 'invoice\u202Efdp.exe' }],
      ['an empty name', { fileName: '' }],
      ['a name too long', { fileName: `${'a'.repeat(256)}` }],
      ['a number', { fileName: 42 }],
      ['a javascript: URL', { jobUrl: 'javascript:alert(1)' }],
      ['a file: URL', { jobUrl: 'file:///etc/passwd' }],
      ['a relative URL', { jobUrl: '/jobs/1' }],
      ['a URL with credentials', { jobUrl: 'https://user:secret@ci.example/job/1' }],
      ['a URL with a space', { jobUrl: 'https://ci.example/job 1' }],
      ['a URL too long', { jobUrl: `https://ci.example/${'a'.repeat(2048)}` }],
    ])('refuses %s with INVALID_FIELD', async (_what, extra) => {
      const res = await problem(await verifyMinted('Refused', extra));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_FIELD');
    });

    it('shows nothing of the caller when none was sent', async () => {
      const verdict = await (await verifyMinted('Silent')).json();
      expect(verdict.escalation.caller).toBeUndefined();
      expect(await markdown(verdict.escalation.id)).not.toContain('Sent with the latest verification');
    });
  });

  describe('when the OpenAPI document is read', () => {
    it('documents the caller fields of /verify and the context, caller and rejection of a verdict escalation', async () => {
      const doc = await (await t.call('GET', '/openapi.json')).json();
      const { schemas } = doc.components;
      expect(Object.keys(schemas.VerifyJsonRequest.properties)).toEqual(
        expect.arrayContaining(['fileName', 'jobUrl']),
      );
      const multipart = doc.paths['/verify'].post.requestBody.content['multipart/form-data'].schema;
      expect(Object.keys(multipart.properties)).toEqual(expect.arrayContaining(['fileName', 'jobUrl']));
      expect(Object.keys(schemas.VerdictEscalation.properties)).toEqual(
        expect.arrayContaining(['context', 'caller', 'rejection']),
      );
      expect(Object.keys(schemas.CaseContext.properties)).toEqual(['otherVendorRoots', 'feedsOnFile']);
      expect(schemas.EscalationCaseDetail.properties.context).toBeDefined();
    });
  });

  describe('when a case holds text that means something in Markdown', () => {
    it('carries it as plain text in every JSON field but the Markdown checklist details', async () => {
      const vendor = await t.trust.getVendor('acme');
      if (!vendor) throw new Error('no acme');
      await t.trust.updateVendor(
        {
          ...vendor,
          name: 'Acme_*Corp* [x](y) <b>',
          contacts: [{ name: 'PSIRT_*', channel: 'email', value: 'psirt_x@acme.example' }],
          version: vendor.version + 1,
        },
        vendor.version,
      );
      const res = await verifyMinted('Escape_*me* [x]', {
        fileName: 'a_b[c](d).bin',
        jobUrl: 'https://ci.example/a_b*c*',
      });
      const verdict = await res.json();
      const id = verdict.escalation.id as string;
      await t.call('POST', `/escalations/${id}/steps/1`, {
        token: oncall,
        body: { done: true, note: 'checked_*twice* [ok]' },
      });
      await t.call('POST', `/escalations/${id}/resolve`, {
        token: oncall,
        body: { outcome: 'rejected', note: 'not_*theirs*' },
      });
      const d = await detail(id);
      const { checklist, markdown: md, ...rest } = d;
      const titles = checklist.map((s) => s.title);
      // Step details are Markdown by contract; nothing else carries an escape.
      expect(backslashed({ ...rest, titles })).toEqual([]);
      expect(backslashed({ ...verdict.escalation, checklist: titles })).toEqual([]);
      const list = await (await t.call('GET', '/escalations?vendor=acme', { token: oncall })).json();
      expect(backslashed(list)).toEqual([]);
      expect(titles[1]).toContain('Acme_*Corp* [x](y) <b>');
      expect(JSON.stringify(d.case)).toContain('checked_*twice* [ok]');
      // ...and the Markdown escapes it
      expect(md).toContain('Acme\\_\\*Corp\\*');
      expect(md).toContain('checked\\_\\*twice\\* \\[ok\\]');
      expect(md).not.toContain('Acme_*Corp*');
    });
  });
});
