import { encodePem } from '../verify';
import { type Anchor, anchorKind, type Vendor } from './model';
import type { VendorFile } from './seed';

export interface ExportFile {
  /**
   * Relative to the export directory: `<vendor-id>/vendor.json`, `<vendor-id>/root-<sha256 prefix>.pem` or
   * `<vendor-id>/signers/signer-<sha256 prefix>.pem`.
   */
  path: string;
  content: string;
}

/**
 * The store as `trust-store/` files, the layout importSeed reads: one PEM per root that anchors anything
 * (active, or distrusted with its `distrustAfter`, and `keyCompromise: true` when it is distrusted for
 * that, in vendor.json), and vendor.json with the name, contacts, identity rules and a `require`
 * revocation policy (best-effort, the default, is left out). Pending and retired roots are left out: a seed file is trusted on import, so
 * writing them would make them active in a fresh database. `feeds` are kept from `previous` (the vendor.json
 * the directory held), since feeds are managed elsewhere.
 */
export function exportTrustStore(
  store: Array<{ vendor: Vendor; anchors: Anchor[] }>,
  previous: ReadonlyMap<string, VendorFile> = new Map(),
): ExportFile[] {
  const files: ExportFile[] = [];
  for (const { vendor, anchors } of [...store].sort((a, b) => a.vendor.id.localeCompare(b.vendor.id))) {
    const exported = anchors
      .filter((a) => a.state === 'active' || (a.state === 'distrusted' && a.distrustAfter))
      .sort((a, b) => a.sha256.localeCompare(b.sha256));
    const roots: Record<string, { distrustAfter: string; keyCompromise?: true }> = {};
    const signers: Record<string, { distrustAfter: string; keyCompromise?: true }> = {};
    for (const anchor of exported) {
      // A pinned signer goes to signers/ (and its settings to vendor.json `signers`): written as a root,
      // a re-import would make it anchor paths of other leaves.
      const signer = anchorKind(anchor) === 'signer';
      if (anchor.state === 'distrusted' && anchor.distrustAfter)
        (signer ? signers : roots)[anchor.sha256] = {
          distrustAfter: anchor.distrustAfter,
          ...(anchor.keyCompromise ? { keyCompromise: true as const } : {}),
        };
      files.push({
        path: signer
          ? `${vendor.id}/signers/signer-${anchor.sha256.slice(0, 16)}.pem`
          : `${vendor.id}/root-${anchor.sha256.slice(0, 16)}.pem`,
        content: `# ${anchor.subject}\n# sha256 ${anchor.sha256}\n${encodePem('CERTIFICATE', anchor.der)}`,
      });
    }
    const file: VendorFile = { name: vendor.name };
    if (vendor.contacts.length > 0) file.contacts = vendor.contacts;
    const feeds = previous.get(vendor.id)?.feeds;
    if (feeds && feeds.length > 0) file.feeds = feeds;
    if (vendor.identityRules.length > 0) file.identityRules = vendor.identityRules;
    if (vendor.revocationPolicy === 'require') file.revocationPolicy = 'require';
    if (Object.keys(roots).length > 0) file.roots = roots;
    if (Object.keys(signers).length > 0) file.signers = signers;
    files.push({ path: `${vendor.id}/vendor.json`, content: `${JSON.stringify(file, null, 2)}\n` });
  }
  return files;
}
