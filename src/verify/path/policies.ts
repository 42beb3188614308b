import type { ParsedCertificate } from '../certificate';
import { type Reason, reason } from '../reasons';
import { ANY_POLICY } from './extensions';
import type { PathPolicyInput } from './types';

/**
 * RFC 5280 §6.1 certificate policy processing with an explicit valid_policy_tree: steps 6.1.2 (init),
 * 6.1.3 (d)-(f), 6.1.4 (a), (b), (h)-(j) and 6.1.5 (a), (b), (g). The trust anchor is not part of the
 * path here, as in the RFC. The tree is capped at MAX_NODES so that crafted mappings cannot blow it up.
 *
 * Without `policy` in the request the RFC's defaults apply (any-policy, nothing inhibited, no explicit
 * policy), so certificates' own requireExplicitPolicy / inhibit constraints are still honoured.
 */

const MAX_NODES = 2048;

interface PolicyNode {
  policy: string;
  expected: Set<string>;
  children: PolicyNode[];
  parent: PolicyNode | null;
}

export const DEFAULT_POLICY_INPUT: PathPolicyInput = {
  initialPolicySet: [ANY_POLICY],
  explicitPolicy: false,
  policyMappingInhibit: false,
  inhibitAnyPolicy: false,
};

class TooBig extends Error {}

/** `path` is leaf first, anchor last (as the builder gives it); the anchor is skipped. */
export function checkPolicies(
  path: ParsedCertificate[],
  input: PathPolicyInput = DEFAULT_POLICY_INPUT,
): Reason[] {
  try {
    return run(path.slice(0, -1).reverse(), input);
  } catch (e) {
    if (e instanceof TooBig) {
      return [reason('POLICY_CONSTRAINTS_VIOLATED', 'certificate policy processing exceeded its size limit')];
    }
    throw e;
  }
}

function run(certs: ParsedCertificate[], input: PathPolicyInput): Reason[] {
  const n = certs.length;
  let nodes = 1;
  const root: PolicyNode = {
    policy: ANY_POLICY,
    expected: new Set([ANY_POLICY]),
    children: [],
    parent: null,
  };
  let levels: PolicyNode[][] | null = [[root]];
  let explicitPolicy = input.explicitPolicy ? 0 : n + 1;
  let inhibitAny = input.inhibitAnyPolicy ? 0 : n + 1;
  let policyMapping = input.policyMappingInhibit ? 0 : n + 1;
  const fail = (message: string): Reason[] => [reason('POLICY_CONSTRAINTS_VIOLATED', message)];

  const addChild = (parent: PolicyNode, policy: string, expected: Set<string>, depth: number): void => {
    if (!levels) return;
    if (++nodes > MAX_NODES) throw new TooBig();
    const child: PolicyNode = { policy, expected, children: [], parent };
    parent.children.push(child);
    const level = levels[depth] ?? [];
    level.push(child);
    levels[depth] = level;
  };
  const prune = (upTo: number): void => {
    if (!levels) return;
    for (let d = upTo; d >= 0; d--) {
      const level: PolicyNode[] = levels[d] ?? [];
      const kept = d === upTo ? level : level.filter((node) => node.children.length > 0);
      for (const node of level) {
        if (!kept.includes(node) && node.parent)
          node.parent.children = node.parent.children.filter((c) => c !== node);
      }
      levels[d] = kept;
    }
    if ((levels[0] ?? []).length === 0 || (upTo > 0 && (levels[upTo] ?? []).length === 0)) levels = null;
  };
  const removeNode = (node: PolicyNode, depth: number): void => {
    if (!levels) return;
    const doomed = new Set<PolicyNode>();
    const collect = (x: PolicyNode): void => {
      doomed.add(x);
      for (const c of x.children) collect(c);
    };
    collect(node);
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
    for (let d = depth; d < levels.length; d++) levels[d] = (levels[d] ?? []).filter((x) => !doomed.has(x));
  };

  for (let idx = 0; idx < n; idx++) {
    const cert = certs[idx] as ParsedCertificate;
    const i = idx + 1;
    const isLast = i === n;
    const ext = cert.extensions;
    const policies = ext.certificatePolicies;

    if (policies && levels) {
      const parents: PolicyNode[] = levels[i - 1] ?? [];
      levels[i] = [];
      for (const p of policies) {
        if (p.oid === ANY_POLICY) continue;
        let matched = false;
        for (const parent of parents) {
          if (parent.expected.has(p.oid)) {
            addChild(parent, p.oid, new Set([p.oid]), i);
            matched = true;
          }
        }
        if (!matched) {
          const anyParent = parents.find((x) => x.policy === ANY_POLICY);
          if (anyParent) addChild(anyParent, p.oid, new Set([p.oid]), i);
        }
      }
      const hasAny = policies.some((p) => p.oid === ANY_POLICY);
      if (hasAny && (inhibitAny > 0 || (!isLast && cert.selfIssued))) {
        for (const parent of parents) {
          for (const value of parent.expected) {
            if (!parent.children.some((c) => c.policy === value))
              addChild(parent, value, new Set([value]), i);
          }
        }
      }
      prune(i);
    } else if (!policies) {
      levels = null;
    }
    if (explicitPolicy <= 0 && !levels) {
      return fail(`no valid certificate policy at "${cert.subject}" while an explicit policy is required`);
    }

    if (!isLast) {
      const mappings = ext.policyMappings;
      if (mappings) {
        if (
          mappings.some((m) => m.issuerDomainPolicy === ANY_POLICY || m.subjectDomainPolicy === ANY_POLICY)
        ) {
          return fail(`"${cert.subject}" maps to or from anyPolicy`);
        }
        const byIssuer = new Map<string, Set<string>>();
        for (const m of mappings) {
          const set = byIssuer.get(m.issuerDomainPolicy) ?? new Set<string>();
          set.add(m.subjectDomainPolicy);
          byIssuer.set(m.issuerDomainPolicy, set);
        }
        if (levels) {
          const level: PolicyNode[] = levels[i] ?? [];
          for (const [issuerPolicy, subjects] of byIssuer) {
            const matching = level.filter((x) => x.policy === issuerPolicy);
            if (policyMapping > 0) {
              if (matching.length > 0) {
                for (const node of matching) node.expected = new Set(subjects);
              } else {
                const anyNode = level.find((x) => x.policy === ANY_POLICY);
                if (anyNode?.parent) addChild(anyNode.parent, issuerPolicy, new Set(subjects), i);
              }
            } else {
              for (const node of matching) removeNode(node, i);
              prune(i);
            }
          }
        }
      }
      if (!cert.selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAny > 0) inhibitAny--;
      }
      const pc = ext.policyConstraints;
      if (pc?.requireExplicitPolicy !== null && pc?.requireExplicitPolicy !== undefined) {
        explicitPolicy = Math.min(explicitPolicy, pc.requireExplicitPolicy);
      }
      if (pc?.inhibitPolicyMapping !== null && pc?.inhibitPolicyMapping !== undefined) {
        policyMapping = Math.min(policyMapping, pc.inhibitPolicyMapping);
      }
      if (ext.inhibitAnyPolicy !== null) inhibitAny = Math.min(inhibitAny, ext.inhibitAnyPolicy);
    } else {
      if (explicitPolicy > 0) explicitPolicy--;
      if (ext.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
    }
  }

  // 6.1.5 (g): intersect with the user's initial policy set.
  const user = new Set(input.initialPolicySet);
  if (levels && !user.has(ANY_POLICY)) {
    const all: PolicyNode[] = levels.flat();
    const validSet = all.filter((x) => x.parent?.policy === ANY_POLICY);
    for (const node of validSet) {
      if (node.policy !== ANY_POLICY && !user.has(node.policy)) removeNode(node, depthOf(node));
    }
    const leafLevel: PolicyNode[] = levels[n] ?? [];
    const anyLeaf = leafLevel.find((x) => x.policy === ANY_POLICY);
    if (anyLeaf) {
      const present = new Set(validSet.map((x) => x.policy));
      for (const p of user) {
        if (!present.has(p) && anyLeaf.parent) addChild(anyLeaf.parent, p, new Set([p]), n);
      }
      removeNode(anyLeaf, n);
    }
    prune(n);
  }
  if (explicitPolicy <= 0 && !levels) {
    return fail('no certificate policy acceptable to the caller is valid for this path');
  }
  return [];
}

function depthOf(node: PolicyNode): number {
  let d = 0;
  for (let x = node.parent; x; x = x.parent) d++;
  return d;
}
