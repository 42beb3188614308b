/**
 * Runs the x509-limbo and NIST PKITS suites against `buildAndValidatePath`. Used by
 * `scripts/conformance.ts` (npm run conformance) and by the ratchet test (conformance.test.ts).
 *
 * x509-limbo mapping: SERVER → required EKU serverAuth, CLIENT → clientAuth (plus the case's own
 * `extended_key_usage`), `key_usage` → leaf keyUsage bits, `max_chain_depth` → `limits.maxDepth`,
 * `crls` → CRLs, `validation_time` (or now) → time. Every case is judged on "valid" versus anything else.
 *
 * Host-name group (rule): the 28 cases whose id starts with `webpki::san::` or `webpki::cn::` test
 * matching of `expected_peer_name` against SAN/CN, which trustgate does not do; they are run and
 * reported as their own group and not counted in the score.
 *
 * PKITS mapping: first certificate is the anchor, last the end entity, the rest intermediates; all the
 * case's CRLs are supplied; initial policy set / explicit policy / mapping inhibit / inhibit any-policy
 * are passed as `policy`; no EKU or keyUsage requirement; `allowCaLeaf` (RFC 5280 permits a CA end entity);
 * `allowDsa` (PKITS 4.1.4-4.1.6 use DSA with SHA-1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAndValidatePath, type PathRequest } from '../../src/verify/path/index';

export interface CaseResult {
  id: string;
  expected: boolean;
  got: boolean;
  ms: number;
  status: string;
  reasons: string[];
}

export interface SuiteResult {
  suite: string;
  total: number;
  right: number;
  wrongAccepts: string[];
  wrongRejects: string[];
  slow: string[];
  cases: CaseResult[];
}

export const HOST_NAME_PREFIXES = ['webpki::san::', 'webpki::cn::'];
export const isHostNameCase = (id: string): boolean => HOST_NAME_PREFIXES.some((p) => id.startsWith(p));

const SLOW_MS = 1000;

function pemToDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(pem); m; m = re.exec(pem)) out.push(new Uint8Array(Buffer.from(m[2] ?? '', 'base64')));
  return out;
}

const EKU_OIDS = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

interface LimboCase {
  id: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  key_usage: string[];
  extended_key_usage: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
  max_chain_depth: number | null;
  crls: string[];
}

function summarize(suite: string, cases: CaseResult[]): SuiteResult {
  return {
    suite,
    total: cases.length,
    right: cases.filter((c) => c.expected === c.got).length,
    wrongAccepts: cases.filter((c) => !c.expected && c.got).map((c) => c.id),
    wrongRejects: cases.filter((c) => c.expected && !c.got).map((c) => c.id),
    slow: cases.filter((c) => c.ms > SLOW_MS).map((c) => c.id),
    cases,
  };
}

async function runOne(id: string, expected: boolean, req: PathRequest): Promise<CaseResult> {
  const start = performance.now();
  const outcome = await buildAndValidatePath(req);
  const ms = performance.now() - start;
  const reasons = outcome.status === 'valid' ? [] : outcome.reasons.map((r) => `${r.code}: ${r.message}`);
  return { id, expected, got: outcome.status === 'valid', ms, status: outcome.status, reasons };
}

/** `now` stands in for a case's null `validation_time` (the suite's "now"); tests pin it. */
export async function runLimbo(
  file: string,
  now: Date = new Date(),
  anchorChecks: PathRequest['anchorChecks'] = 'certificate',
): Promise<{ counted: SuiteResult; hostName: SuiteResult }> {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { testcases: LimboCase[] };
  const counted: CaseResult[] = [];
  const hostName: CaseResult[] = [];
  for (const tc of data.testcases) {
    const leaf = pemToDer(tc.peer_certificate)[0];
    if (!leaf) throw new Error(`${tc.id}: no peer certificate`);
    const eku = new Set<string>([tc.validation_kind === 'SERVER' ? EKU_OIDS.serverAuth : EKU_OIDS.clientAuth]);
    for (const name of tc.extended_key_usage) eku.add(EKU_OIDS[name as keyof typeof EKU_OIDS] ?? name);
    const req: PathRequest = {
      leaf,
      intermediates: tc.untrusted_intermediates.flatMap(pemToDer),
      anchors: tc.trusted_certs.flatMap(pemToDer).map((der, i) => ({ id: `trusted-${i}`, der })),
      time: tc.validation_time ? new Date(tc.validation_time) : now,
      requiredEku: [...eku] as string[],
      leafKeyUsage: tc.key_usage as PathRequest['leafKeyUsage'],
      crls: tc.crls.length > 0 ? tc.crls.flatMap(pemToDer) : undefined,
      limits: tc.max_chain_depth !== null ? { maxDepth: tc.max_chain_depth } : undefined,
      anchorChecks,
      subtle: globalThis.crypto.subtle,
    };
    const result = await runOne(tc.id, tc.expected_result === 'SUCCESS', req);
    (isHostNameCase(tc.id) ? hostName : counted).push(result);
  }
  return { counted: summarize('x509-limbo', counted), hostName: summarize('x509-limbo host-name group', hostName) };
}

interface PkitsCase {
  test_number: string;
  title: string;
  certs: string[];
  crls: string[];
  should_validate: boolean;
  initial_policy_set: string[];
  initial_explicit_policy: boolean;
  initial_policy_mapping_inhibit: boolean;
  initial_inhibit_any_policy: boolean;
  time: string;
}

export async function runPkits(dir: string): Promise<SuiteResult> {
  const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as PkitsCase[];
  const read = (sub: string, name: string): Uint8Array =>
    new Uint8Array(readFileSync(join(dir, sub, `${name}.${sub === 'certs' ? 'crt' : 'crl'}`)));
  const results: CaseResult[] = [];
  for (const tc of cases) {
    const ders = tc.certs.map((name) => read('certs', name));
    const anchor = ders[0];
    const leaf = ders[ders.length - 1];
    if (!anchor || !leaf || ders.length < 2) throw new Error(`${tc.test_number}: needs an anchor and a leaf`);
    const req: PathRequest = {
      leaf,
      intermediates: ders.slice(1, -1),
      anchors: [{ id: tc.certs[0] as string, der: anchor }],
      time: new Date(tc.time),
      requiredEku: [],
      leafKeyUsage: [],
      // PKITS is RFC 5280 path validation, where an end entity may be a CA (4.6.8, 4.6.14, 4.14.13).
      allowCaLeaf: true,
      // PKITS 4.1.4-4.1.6 sign with DSA and SHA-1 (2011 data); the service refuses DSA, the suite checks
      // that the verifier can do it right, parameter inheritance included.
      allowDsa: true,
      crls: tc.crls.map((name) => read('crls', name)),
      policy: {
        initialPolicySet: tc.initial_policy_set,
        explicitPolicy: tc.initial_explicit_policy,
        policyMappingInhibit: tc.initial_policy_mapping_inhibit,
        inhibitAnyPolicy: tc.initial_inhibit_any_policy,
      },
      subtle: globalThis.crypto.subtle,
    };
    results.push(await runOne(`${tc.test_number} ${tc.title}`, tc.should_validate, req));
  }
  return summarize('nist-pkits', results);
}

/**
 * The suite name of x509-limbo run with `anchorChecks: 'name-and-key'`, the code-signing service's anchor
 * rule (RFC 5280 §6.1.1(d), docs/policy.md): the cases that expect an anchor's own certificate profile or
 * unknown critical extensions to be enforced are wrong accepts there, by policy.
 */
export const LIMBO_NAME_AND_KEY = 'x509-limbo (anchors as name and key)';

export function renamed(s: SuiteResult, suite: string): SuiteResult {
  return { ...s, suite };
}

export function scoreLine(r: SuiteResult): string {
  return `${r.suite}: ${r.right}/${r.total} (wrong accepts ${r.wrongAccepts.length}, wrong rejects ${r.wrongRejects.length})`;
}
