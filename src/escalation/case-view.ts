import { apiCalls } from './api-calls';
import { colonHex, normaliseHex } from './fingerprint';
import { opensslCommands } from './openssl-commands';
import { overflowView } from './overflow-case';
import type { Schema, TemplateValue } from './template';
import type { CaseFacts, ChainCertificate, TopRootRefusal } from './types';

/**
 * The names a playbook can use, and the view of `CaseFacts` that fills them. `text` values came from
 * outside (the signature, a feed, a person) and are always escaped; `safe` values are generated or
 * validated here (hex, ISO dates, counts, URLs, shell commands) and may be printed with `{{raw}}`.
 */

const fingerprints = {
  sha256Hex: 'safe',
  sha256Colon: 'safe',
  spkiSha256Hex: 'safe',
  spkiSha256Colon: 'safe',
} as const;

export const PLAYBOOK_SCHEMA: Schema = {
  case: {
    fields: {
      id: 'safe',
      kind: 'safe',
      state: 'safe',
      open: 'flag',
      resolved: 'flag',
      outcome: 'safe',
      resolvedBy: 'text',
      resolutionNote: 'text',
    },
  },
  vendor: {
    fields: {
      id: 'text',
      name: 'text',
      contacts: { list: { fields: { name: 'text', channel: 'text', value: 'text' } } },
      // The vendor has no advisory feed subscribed (false when it has one, or when that is not known).
      noFeed: 'flag',
    },
  },
  // Other vendors whose active root this chain reaches (unknown-root cases): the caller probably named the
  // wrong vendor. `match`: `is that root`, `has that root's key`, `names that root as its issuer`.
  otherVendors: {
    list: { fields: { id: 'text', name: 'text', subject: 'text', match: 'safe', ...fingerprints } },
  },
  // What the caller said about the package with /verify (file name, pipeline job URL); from outside.
  caller: { fields: { given: 'flag', fileName: 'text', jobUrl: 'text', at: 'safe' } },
  chain: {
    list: {
      fields: {
        position: 'safe',
        role: 'safe',
        isLeaf: 'flag',
        isTop: 'flag',
        subject: 'text',
        issuer: 'text',
        serialHex: 'safe',
        notBefore: 'safe',
        notAfter: 'safe',
        ...fingerprints,
      },
    },
  },
  top: {
    fields: {
      subject: 'text',
      issuer: 'text',
      selfIssued: 'flag',
      ...fingerprints,
      // Whether it can be proposed as a root (the admin API's rule); if not, why and what to do instead.
      approvable: 'flag',
      refusal: 'text',
      refusalCode: 'safe',
      pinSigner: 'flag',
      fullChain: 'flag',
    },
  },
  advisories: { list: { fields: { title: 'text', link: 'text', feed: 'text', published: 'safe' } } },
  candidates: {
    list: { fields: { corroborated: 'flag', matchesTop: 'flag', provenance: 'text', ...fingerprints } },
  },
  artifactDigests: { list: 'text' },
  counts: { fields: { verificationsBlocked: 'safe', firstSeen: 'safe', lastSeen: 'safe' } },
  overflow: {
    fields: {
      verificationsSuppressed: 'safe',
      unlistedVerifications: 'safe',
      newCasesPerVendor: 'safe',
      window: 'safe',
      roots: {
        list: {
          fields: {
            subject: 'text',
            verifications: 'safe',
            firstSeen: 'safe',
            lastSeen: 'safe',
            ...fingerprints,
          },
        },
      },
    },
  },
  openssl: {
    fields: {
      signatureFile: 'safe',
      inform: 'safe',
      extractChain: 'safe',
      splitChain: 'safe',
      printFingerprints: 'safe',
      certificateSha256: 'safe',
      spkiSha256: 'safe',
    },
  },
  api: {
    fields: {
      baseUrl: 'safe',
      caseUrl: 'safe',
      proposeRoot: 'safe',
      proposeSigner: 'safe',
      approveRoot: 'safe',
      rejectCase: 'safe',
      approveCase: 'safe',
      markStep: 'safe',
      verifyAgain: 'safe',
    },
  },
};

const INVALID = '(invalid)';
const hex = (value: string) => normaliseHex(value) ?? INVALID;
const colon = (value: string) => colonHex(value) ?? INVALID;
const SAFE_ID = /^[A-Za-z0-9._~:-]{1,128}$/;
const safeId = (value: string) => (SAFE_ID.test(value) ? value : encodeURIComponent(value).slice(0, 384));

/** An ISO-8601 instant, normalised; anything else is shown as `(invalid)` (or empty when empty). */
function isoDate(value: string): string {
  if (value === '') return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? INVALID : new Date(time).toISOString();
}

/** `3600` → `1 hour`, `5400` → `90 minutes`, `45` → `45 seconds`. */
function duration(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds)) || 0;
  const [n, unit] =
    s % 3600 === 0 && s > 0 ? [s / 3600, 'hour'] : s % 60 === 0 && s > 0 ? [s / 60, 'minute'] : [s, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const count = (n: number) => Math.max(0, Math.trunc(n)) || 0;

function overflowFacts(facts: CaseFacts): TemplateValue {
  const view = overflowView({
    verificationsBlocked: facts.overflow ? facts.counts.verificationsBlocked : 0,
    ...(facts.overflow ? { overflow: facts.overflow } : {}),
  });
  return {
    verificationsSuppressed: count(view.verificationsSuppressed),
    unlistedVerifications: count(view.unlistedVerifications),
    newCasesPerVendor: count(view.newCasesPerVendor),
    window: duration(view.windowSeconds),
    roots: view.roots.map((r) => ({
      subject: r.subject,
      verifications: count(r.verifications),
      firstSeen: isoDate(r.firstSeen),
      lastSeen: isoDate(r.lastSeen),
      ...fingerprintView(r),
    })),
  };
}

function fingerprintView(cert: { sha256: string; spkiSha256: string }) {
  return {
    sha256Hex: hex(cert.sha256),
    sha256Colon: colon(cert.sha256),
    spkiSha256Hex: hex(cert.spkiSha256),
    spkiSha256Colon: colon(cert.spkiSha256),
  };
}

function chainView(chain: readonly ChainCertificate[]): TemplateValue[] {
  return chain.map((cert, i) => {
    const isLeaf = i === 0;
    const isTop = i === chain.length - 1;
    return {
      position: i + 1,
      role: isLeaf ? 'signer' : isTop ? 'top' : 'intermediate',
      isLeaf,
      isTop,
      subject: cert.subject,
      issuer: cert.issuer,
      serialHex: hex(cert.serial),
      notBefore: isoDate(cert.notBefore),
      notAfter: isoDate(cert.notAfter),
      ...fingerprintView(cert),
    };
  });
}

const SAFE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The `top` fields of a root refusal: approvable when there is none (or a remedy this code does not know). */
function refusalView(refusal: TopRootRefusal | undefined) {
  const remedy = refusal?.remedy;
  if (!refusal || (remedy !== 'pin-signer' && remedy !== 'full-chain')) {
    return { approvable: true, refusal: '', refusalCode: '', pinSigner: false, fullChain: false };
  }
  return {
    approvable: false,
    refusal: refusal.detail,
    refusalCode: SAFE_CODE.test(refusal.code) ? refusal.code : '',
    pinSigner: remedy === 'pin-signer',
    fullChain: remedy === 'full-chain',
  };
}

const MATCH_WORDS = {
  certificate: 'is that root',
  key: "has that root's key",
  issuer: 'names that root as its issuer',
} as const;

/** The template context for `facts` (shape: `PLAYBOOK_SCHEMA`). */
export function caseView(facts: CaseFacts): TemplateValue {
  const topIssuer = facts.top.issuer ?? facts.chain[facts.chain.length - 1]?.issuer ?? '';
  const selfIssued = topIssuer !== '' && topIssuer === facts.top.subject;
  const topSha = normaliseHex(facts.top.sha256);
  const topSpki = normaliseHex(facts.top.spkiSha256);
  const openssl = opensslCommands(facts.signature);
  const resolution = facts.resolution ?? null;
  return {
    case: {
      id: safeId(facts.caseId),
      kind: facts.kind,
      state: facts.state,
      open: facts.state === 'open',
      resolved: facts.state === 'resolved',
      outcome: resolution?.outcome ?? '',
      resolvedBy: resolution?.actor ?? '',
      resolutionNote: resolution?.note ?? '',
    },
    vendor: {
      id: facts.vendor.id,
      name: facts.vendor.name,
      contacts: facts.vendor.contacts.map((c) => ({ name: c.name, channel: c.channel, value: c.value })),
      noFeed: facts.feedsOnFile === 0,
    },
    otherVendors: (facts.otherVendorRoots ?? []).map((r) => ({
      id: r.vendorId,
      name: r.vendorName,
      subject: r.subject,
      match: MATCH_WORDS[r.match] ?? '',
      ...fingerprintView(r),
    })),
    caller: {
      given: Boolean(facts.caller?.fileName || facts.caller?.jobUrl),
      fileName: facts.caller?.fileName ?? '',
      jobUrl: facts.caller?.jobUrl ?? '',
      at: isoDate(facts.caller?.at ?? ''),
    },
    chain: chainView(facts.chain),
    top: {
      subject: facts.top.subject,
      issuer: topIssuer,
      selfIssued,
      ...fingerprintView(facts.top),
      ...refusalView(facts.top.rootRefusal),
    },
    advisories: facts.advisories.map((a) => ({
      title: a.title,
      link: a.link,
      feed: a.feed,
      published: isoDate(a.published),
    })),
    candidates: facts.candidates.map((c) => ({
      corroborated: c.corroborated,
      matchesTop:
        (topSpki !== undefined && normaliseHex(c.spkiSha256) === topSpki) ||
        (topSha !== undefined && normaliseHex(c.sha256) === topSha),
      provenance: c.provenance,
      ...fingerprintView(c),
    })),
    artifactDigests: [...facts.artifactDigests],
    counts: {
      verificationsBlocked: Math.max(0, Math.trunc(facts.counts.verificationsBlocked)) || 0,
      firstSeen: isoDate(facts.counts.firstSeen),
      lastSeen: isoDate(facts.counts.lastSeen),
    },
    overflow: overflowFacts(facts),
    openssl: { ...openssl },
    api: {
      ...apiCalls({
        kind: facts.kind,
        serviceBaseUrl: facts.serviceBaseUrl,
        caseId: facts.caseId,
        vendorId: facts.vendor.id,
        // The top is the root to approve only when it is one (self-issued) and the admin API accepts it.
        rootSha256Hex: selfIssued && facts.top.rootRefusal === undefined ? topSha : undefined,
        artifactDigest: facts.artifactDigests[facts.artifactDigests.length - 1],
        signatureFile: openssl.signatureFile,
      }),
    },
  };
}
