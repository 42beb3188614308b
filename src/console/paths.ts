import { type Anchor, anchorKind } from '../trust';

/** The console's addresses, in one place so that every page links to the same ones. */
const seg = encodeURIComponent;
const plural = (anchor: Pick<Anchor, 'kind'>) => `${anchorKind(anchor)}s`;

export const paths = {
  overview: '/console',
  cases: '/console/cases',
  case: (id: string) => `/console/cases/${seg(id)}`,
  vendors: '/console/vendors',
  vendor: (vendorId: string) => `/console/vendors/${seg(vendorId)}`,
  propose: (vendorId: string) => `/console/vendors/${seg(vendorId)}/propose`,
  anchor: (anchor: Pick<Anchor, 'vendorId' | 'sha256' | 'kind'>) =>
    `/console/vendors/${seg(anchor.vendorId)}/${plural(anchor)}/${anchor.sha256}`,
  approvals: '/console/approvals',
  anchorApproval: (anchor: Pick<Anchor, 'vendorId' | 'sha256' | 'kind'>) =>
    `/console/approvals/${seg(anchor.vendorId)}/${plural(anchor)}/${anchor.sha256}`,
  changeApproval: (vendorId: string, changeId: string) =>
    `/console/approvals/${seg(vendorId)}/changes/${seg(changeId)}`,
  candidates: '/console/candidates',
  candidate: (vendorId: string, key: string) => `/console/candidates/${seg(vendorId)}/${seg(key)}`,
  feeds: '/console/feeds',
  audit: '/console/audit',
  api: '/console/api',
} as const;
