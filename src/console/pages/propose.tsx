import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { TrustgateError } from '../../errors';
import type { AnchorKind, Vendor } from '../../trust';
import { PreviewFacts, ProblemList } from '../anchor-views';
import {
  type CertificatePreview,
  MAX_PEM_CHARS,
  type PreviewProblem,
  previewCertificate,
  proposalText,
} from '../certificate-preview';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { done, type FormBody, field, requireReason, requireWrite } from '../forms';
import { CsrfField, Notice, Page } from '../layout';
import { paths } from '../paths';
import { anchorOps } from './anchors';

const KIND_WORDS: Record<AnchorKind, string> = { root: 'root', signer: 'pinned signer' };

const kindField = (form: FormBody): AnchorKind => (field(form, 'kind') === 'signer' ? 'signer' : 'root');

/** The first step: paste or upload one certificate, and ask for its preview (nothing is stored). */
const ChooseForm: FC<{ viewer: Viewer; vendor: Vendor; kind: AnchorKind; pem: string }> = ({
  viewer,
  vendor,
  kind,
  pem,
}) => (
  <form method="post" action={paths.propose(vendor.id)} enctype="multipart/form-data" class="stack">
    <CsrfField viewer={viewer} />
    <input type="hidden" name="action" value="preview" />
    <div>
      <label for="propose-kind">What to propose</label>
      <select id="propose-kind" name="kind">
        <option value="root" selected={kind === 'root'}>
          A root (a CA at the top of the vendor's chains)
        </option>
        <option value="signer" selected={kind === 'signer'}>
          A pinned signer (a signing certificate trusted as itself)
        </option>
      </select>
    </div>
    <div>
      <label for="propose-pem">Paste one PEM certificate</label>
      <textarea
        id="propose-pem"
        name="pem"
        rows={12}
        maxlength={MAX_PEM_CHARS}
        placeholder="-----BEGIN CERTIFICATE-----"
      >
        {pem}
      </textarea>
    </div>
    <div>
      <label for="propose-file">or upload a PEM or DER file</label>
      <input type="file" id="propose-file" name="file" accept=".pem,.crt,.cer,.der" />
    </div>
    <div>
      <button type="submit">Preview</button>
    </div>
  </form>
);

/** The second step: the decoded certificate, what the service would refuse, and the submit form. */
const PreviewSection: FC<{
  viewer: Viewer;
  vendor: Vendor;
  kind: AnchorKind;
  preview: CertificatePreview;
}> = ({ viewer, vendor, kind, preview }) => (
  <>
    <h2>
      Preview: the certificate as a {KIND_WORDS[kind]} of {vendor.name}
    </h2>
    <p class="muted">Nothing is stored yet.</p>
    {preview.facts ? <PreviewFacts facts={preview.facts} /> : null}
    <h3>Problems</h3>
    {preview.problems.length === 0 ? (
      <Notice kind="ok">No problem: the service would take it as a pending {KIND_WORDS[kind]}.</Notice>
    ) : (
      <Notice kind="error">
        <p>The service would refuse this proposal:</p>
        <ProblemList problems={preview.problems} />
      </Notice>
    )}
    {kind === 'root' && preview.pem && preview.problems.some((p) => p.code === 'ROOT_NOT_CA') ? (
      <form method="post" action={paths.propose(vendor.id)} class="stack">
        <CsrfField viewer={viewer} />
        <input type="hidden" name="action" value="preview" />
        <input type="hidden" name="kind" value="signer" />
        <input type="hidden" name="pem" value={preview.pem} />
        <div>
          <button type="submit" class="secondary">
            Preview it as a pinned signer instead
          </button>
        </div>
      </form>
    ) : null}
    {preview.pem && preview.problems.length === 0 ? (
      <>
        <h3>Submit the proposal</h3>
        <form method="post" action={paths.propose(vendor.id)} class="stack">
          <CsrfField viewer={viewer} />
          <input type="hidden" name="action" value="submit" />
          <input type="hidden" name="kind" value={kind} />
          <input type="hidden" name="pem" value={preview.pem} />
          <div>
            <label for="propose-reason">Reason (kept in the audit log; the second admin reads it)</label>
            <textarea id="propose-reason" name="reason" rows={3} required maxlength={2000} />
          </div>
          <div>
            <button type="submit">Propose this {KIND_WORDS[kind]}</button>
          </div>
        </form>
      </>
    ) : null}
  </>
);

const ProposePage: FC<{
  viewer: Viewer;
  vendor: Vendor;
  kind: AnchorKind;
  pem: string;
  preview?: CertificatePreview | undefined;
  problem?: PreviewProblem | undefined;
}> = ({ viewer, vendor, kind, pem, preview, problem }) => (
  <Page title={`Propose a ${KIND_WORDS[kind]} for ${vendor.name}`} viewer={viewer} section="/console/vendors">
    <p>
      A proposal is pending until another admin approves it; until then it anchors nothing.{' '}
      <a href={paths.vendor(vendor.id)}>Back to the vendor</a>
    </p>
    {problem ? (
      <Notice kind="error">
        <p>
          <strong>
            <code>{problem.code}</code>
          </strong>
          : {problem.detail}
        </p>
      </Notice>
    ) : null}
    {preview ? <PreviewSection viewer={viewer} vendor={vendor} kind={kind} preview={preview} /> : null}
    <h2>{preview ? 'Preview another certificate' : 'The certificate'}</h2>
    <ChooseForm viewer={viewer} vendor={vendor} kind={kind} pem={preview ? '' : pem} />
  </Page>
);

export function registerPropose(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { trustAdmin } = deps;

  app.get('/vendors/:id/propose', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const vendor = await trustAdmin.getVendor(c.req.param('id'));
    const kind = c.req.query('kind') === 'signer' ? 'signer' : 'root';
    return c.html(<ProposePage viewer={viewer} vendor={vendor} kind={kind} pem="" />);
  });

  app.post('/vendors/:id/propose', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const vendor = await trustAdmin.getVendor(c.req.param('id'));
    const form = (await c.req.parseBody()) as FormBody;
    const kind = kindField(form);
    const action = field(form, 'action');

    if (action === 'submit') {
      const reason = requireReason(form);
      const pem = field(form, 'pem');
      if (pem === '' || pem.length > MAX_PEM_CHARS) {
        throw new TrustgateError(
          'INVALID_FIELD',
          `pem must hold one PEM certificate of at most ${MAX_PEM_CHARS} characters`,
        );
      }
      // The same use case as POST /vendors/{id}/roots (or /signers): it reads and checks the certificate again.
      const anchor = await anchorOps(deps, kind).propose(viewer.principal, vendor.id, { pem, reason });
      return c.redirect(done(paths.anchor(anchor), 'proposed'), 303);
    }
    if (action !== 'preview') throw new TrustgateError('INVALID_FIELD', 'action must be preview or submit');

    const text = await proposalText(form.pem, form.file);
    if (!text.ok) {
      return c.html(
        <ProposePage viewer={viewer} vendor={vendor} kind={kind} pem="" problem={text.problem} />,
        400,
      );
    }
    const onFile = [...(await trustAdmin.listRoots(vendor.id)), ...(await trustAdmin.listSigners(vendor.id))];
    const preview = await previewCertificate({
      pem: text.pem,
      kind,
      now: deps.now(),
      subtle: deps.subtle,
      onFile,
    });
    return c.html(
      <ProposePage viewer={viewer} vendor={vendor} kind={kind} pem={text.pem} preview={preview} />,
    );
  });
}
