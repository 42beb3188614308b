import { describe, expect, it } from 'vitest';
import { buildAndValidatePath, type PathOutcome, type PathRequest } from '../../../src/verify/path/index';
import {
  CODE_SIGNING,
  ext,
  type Issued,
  LATER,
  makeCa,
  makeCert,
  makeLeaf,
  makeRoot,
  newKeys,
  T0,
} from './cert-factory';

const subtle = globalThis.crypto.subtle;

function request(
  leaf: Issued,
  intermediates: Issued[],
  anchors: Issued[],
  extra: Partial<PathRequest> = {},
): PathRequest {
  return {
    leaf: leaf.der,
    intermediates: intermediates.map((c) => c.der),
    anchors: anchors.map((a, i) => ({ id: `anchor-${i}`, der: a.der })),
    time: T0,
    requiredEku: [CODE_SIGNING],
    leafKeyUsage: ['digitalSignature'],
    requireLeafKeyUsage: true,
    subtle,
    ...extra,
  };
}

const codes = (outcome: PathOutcome): string[] =>
  outcome.status === 'valid' ? [] : outcome.reasons.map((r) => r.code);

describe('buildAndValidatePath', () => {
  describe('when a code-signing leaf chains through an intermediate to an anchor', () => {
    it('returns the path leaf first and anchor certificate last', async () => {
      const root = await makeRoot();
      const ca = await makeCa('Issuing CA', root);
      const leaf = await makeLeaf('Signer', ca);
      const outcome = await buildAndValidatePath(request(leaf, [ca], [root]));
      expect(outcome.status).toBe('valid');
      expect(outcome.path.map((c) => c.subject)).toEqual(['CN=Signer', 'CN=Issuing CA', 'CN=Root']);
      expect(outcome.status === 'valid' && outcome.anchor.id).toBe('anchor-0');
    });
  });

  describe('when the leaf is signed directly by an anchor', () => {
    it('is valid with a two-certificate path', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root);
      const outcome = await buildAndValidatePath(request(leaf, [], [root]));
      expect(outcome.status).toBe('valid');
      expect(outcome.path).toHaveLength(2);
    });
  });

  describe('when an intermediate with pathLenConstraint 0 issues another CA', () => {
    it('is invalid with PATH_LENGTH_EXCEEDED', async () => {
      const root = await makeRoot();
      const ca1 = await makeCa('CA 1', root, {}, 0);
      const ca2 = await makeCa('CA 2', ca1);
      const leaf = await makeLeaf('Signer', ca2);
      const outcome = await buildAndValidatePath(request(leaf, [ca1, ca2], [root]));
      expect(outcome.status).toBe('invalid');
      expect(codes(outcome)).toContain('PATH_LENGTH_EXCEEDED');
    });
  });

  describe('when a self-issued intermediate sits under a pathLenConstraint 0 CA', () => {
    it('does not count it against the constraint', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, {}, 0);
      const rollover = await makeCa('CA', ca, {}, 0);
      const leaf = await makeLeaf('Signer', rollover);
      const outcome = await buildAndValidatePath(request(leaf, [ca, rollover], [root]));
      expect(outcome.status).toBe('valid');
      expect(outcome.path).toHaveLength(4);
    });
  });

  describe('when an anchor has the issuer name but another key', () => {
    it('is not that anchor: no_anchor', async () => {
      const root = await makeRoot('Root');
      const impostor = await makeRoot('Root');
      const leaf = await makeLeaf('Signer', root);
      const outcome = await buildAndValidatePath(request(leaf, [], [impostor]));
      expect(outcome.status).toBe('no_anchor');
      expect(codes(outcome)).toEqual(['UNKNOWN_ROOT']);
    });
  });

  describe('when a certificate on the way to a known anchor is signed with SHA-1', () => {
    it('reaches the anchor but is invalid with WEAK_SIGNATURE_ALGORITHM, never valid', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, { sha1: true });
      const leaf = await makeLeaf('Signer', ca);
      const outcome = await buildAndValidatePath(request(leaf, [ca], [root]));
      expect(outcome.status).toBe('invalid');
      expect(codes(outcome)).toEqual(['WEAK_SIGNATURE_ALGORITHM']);
    });
  });

  describe('when the issuer named by its key identifier did not make the signature', () => {
    it('reports CERT_SIGNATURE_INVALID with no_anchor', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root);
      const tampered = new Uint8Array(leaf.der);
      tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0x01;
      const outcome = await buildAndValidatePath(request({ ...leaf, der: tampered }, [], [root]));
      expect(outcome.status).toBe('no_anchor');
      expect(codes(outcome)).toEqual(['UNKNOWN_ROOT', 'CERT_SIGNATURE_INVALID']);
    });
  });

  describe('when intermediates cross-sign each other in a cycle that reaches no anchor', () => {
    it('finishes quickly with no_anchor', async () => {
      const aKeys = await newKeys();
      const bKeys = await newKeys();
      const a0 = await makeRoot('A', { keys: aKeys });
      const b0 = await makeRoot('B', { keys: bKeys });
      const aByB = await makeCa('A', b0, { keys: aKeys });
      const bByA = await makeCa('B', a0, { keys: bKeys });
      const leaf = await makeLeaf('Signer', a0);
      const unrelated = await makeRoot('Elsewhere');
      const started = performance.now();
      const outcome = await buildAndValidatePath(request(leaf, [aByB, bByA], [unrelated]));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(outcome.status).toBe('no_anchor');
      expect(outcome.path.length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('when every level offers several copies of the same CA (same name and key)', () => {
    it('stops at the path budget instead of trying every combination', async () => {
      const root = await makeRoot('Unrelated');
      const levels: Issued[][] = [];
      let issuerOfTop: Issued = await makeRoot('Nowhere');
      for (let level = 7; level >= 0; level--) {
        const keys = await newKeys();
        const copies: Issued[] = [];
        for (let copy = 0; copy < 4; copy++)
          copies.push(await makeCa(`Level ${level}`, issuerOfTop, { keys }));
        levels.unshift(copies);
        issuerOfTop = copies[0] as Issued;
      }
      const leaf = await makeLeaf('Signer', levels[0]?.[0] as Issued);
      const started = performance.now();
      const outcome = await buildAndValidatePath(request(leaf, levels.flat(), [root]));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(outcome.status).toBe('no_anchor');
      expect(codes(outcome)).toContain('PATH_BUDGET_EXCEEDED');
    });
  });

  describe('when policy mappings fan out at every CA (a policy-tree bomb)', () => {
    it('stops at the tree size limit with POLICY_CONSTRAINTS_VIOLATED, quickly', async () => {
      const arc = (level: number, i: number): string => `1.3.6.1.4.1.55738.1.${level}.${i}`;
      const fanOut = (level: number): Array<[string, string]> => {
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < (level === 0 ? 1 : 40); i++)
          for (let j = 0; j < 40; j++) pairs.push([arc(level, i), arc(level + 1, j)]);
        return pairs;
      };
      const root = await makeRoot();
      let issuer = root;
      const cas: Issued[] = [];
      for (let level = 0; level < 4; level++) {
        const ca = await makeCa(`CA ${level}`, issuer, {
          extensions: [
            ext.basicConstraints(true),
            ext.keyUsage('keyCertSign'),
            ext.policies(
              '2.5.29.32.0',
              ...Array.from({ length: level === 0 ? 1 : 40 }, (_, i) => arc(level, i)),
            ),
            ext.policyMappings(fanOut(level)),
          ],
        });
        cas.push(ca);
        issuer = ca;
      }
      const leaf = await makeLeaf('Signer', issuer, {
        extensions: [
          ext.keyUsage('digitalSignature'),
          ext.extKeyUsage(CODE_SIGNING),
          ext.policies('2.5.29.32.0'),
        ],
      });
      const started = performance.now();
      const outcome = await buildAndValidatePath(request(leaf, cas, [root]));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(codes(outcome)).toEqual(['POLICY_CONSTRAINTS_VIOLATED']);
    });
  });

  describe('when many same-named intermediates offer alternative paths', () => {
    it('stops at the signature budget with PATH_BUDGET_EXCEEDED', async () => {
      const root = await makeRoot();
      const decoys: Issued[] = [];
      for (let i = 0; i < 12; i++) decoys.push(await makeCa('Mid', await makeRoot(`Other ${i}`)));
      const leaf = await makeLeaf('Signer', decoys[0] as Issued);
      const outcome = await buildAndValidatePath(
        request(leaf, decoys, [root], { limits: { maxSignatureChecks: 4 } }),
      );
      expect(outcome.status).toBe('no_anchor');
      expect(codes(outcome)).toContain('PATH_BUDGET_EXCEEDED');
    });
  });

  describe('when one of two intermediates for the same CA has expired', () => {
    it('backtracks to the one that is valid', async () => {
      const root = await makeRoot();
      const keys = await newKeys();
      const expired = await makeCa('CA', root, { keys, notAfter: new Date('2024-06-01T00:00:00Z') });
      const current = await makeCa('CA', root, { keys });
      const leaf = await makeLeaf('Signer', current);
      const outcome = await buildAndValidatePath(request(leaf, [expired, current], [root]));
      expect(outcome.status).toBe('valid');
    });
  });

  describe('when the leaf has expired at the validation time', () => {
    it('is invalid with CERT_EXPIRED', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, { notAfter: new Date('2024-12-31T23:59:59Z') });
      const outcome = await buildAndValidatePath(request(leaf, [], [root]));
      expect(outcome.status).toBe('invalid');
      expect(codes(outcome)).toEqual(['CERT_EXPIRED']);
    });
  });

  describe('when the leaf lacks the codeSigning EKU', () => {
    it('is invalid with SIGNER_EKU_MISSING, also when it claims anyExtendedKeyUsage', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, {
        extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage('2.5.29.37.0')],
      });
      const outcome = await buildAndValidatePath(request(leaf, [], [root]));
      expect(codes(outcome)).toContain('SIGNER_EKU_MISSING');
    });
  });

  describe('when the leaf has no keyUsage and keyUsage is required', () => {
    it('is invalid with SIGNER_KEY_USAGE_INVALID', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, { extensions: [ext.extKeyUsage(CODE_SIGNING)] });
      const outcome = await buildAndValidatePath(request(leaf, [], [root]));
      expect(codes(outcome)).toEqual(['SIGNER_KEY_USAGE_INVALID']);
    });
  });

  describe('when an intermediate carries an unknown critical extension', () => {
    it('is invalid with UNKNOWN_CRITICAL_EXTENSION', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, {
        extensions: [ext.basicConstraints(true), ext.keyUsage('keyCertSign'), ext.unknown(true)],
      });
      const leaf = await makeLeaf('Signer', ca);
      const outcome = await buildAndValidatePath(request(leaf, [ca], [root]));
      expect(codes(outcome)).toEqual(['UNKNOWN_CRITICAL_EXTENSION']);
    });
  });

  describe('when an intermediate is not a CA', () => {
    it('is invalid with NOT_A_CA', async () => {
      const root = await makeRoot();
      const notCa = await makeCert({
        cn: 'Not a CA',
        issuer: root,
        extensions: [ext.basicConstraints(false)],
      });
      const leaf = await makeLeaf('Signer', notCa);
      const outcome = await buildAndValidatePath(request(leaf, [notCa], [root]));
      expect(codes(outcome)).toContain('NOT_A_CA');
    });
  });

  describe('when a CA permits only one DNS subtree and the leaf names another', () => {
    it('is invalid with NAME_CONSTRAINTS_VIOLATED', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          ext.permittedDns('example.com'),
        ],
      });
      const inside = await makeLeaf('Inside', ca, {
        extensions: [
          ext.keyUsage('digitalSignature'),
          ext.extKeyUsage(CODE_SIGNING),
          ext.sanDns('a.example.com'),
        ],
      });
      const outside = await makeLeaf('Outside', ca, {
        extensions: [
          ext.keyUsage('digitalSignature'),
          ext.extKeyUsage(CODE_SIGNING),
          ext.sanDns('example.org'),
        ],
      });
      expect((await buildAndValidatePath(request(inside, [ca], [root]))).status).toBe('valid');
      expect(codes(await buildAndValidatePath(request(outside, [ca], [root])))).toEqual([
        'NAME_CONSTRAINTS_VIOLATED',
      ]);
    });
  });

  describe('when a CA carries nameConstraints that are not marked critical', () => {
    it('is invalid with CERT_MALFORMED even for a leaf inside the permitted subtree', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root, {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          { ...ext.permittedDns('example.com'), critical: false },
        ],
      });
      const inside = await makeLeaf('Inside', ca, {
        extensions: [
          ext.keyUsage('digitalSignature'),
          ext.extKeyUsage(CODE_SIGNING),
          ext.sanDns('a.example.com'),
        ],
      });
      const outcome = await buildAndValidatePath(request(inside, [ca], [root]));
      expect(outcome.status).not.toBe('valid');
      expect(codes(outcome)).toEqual(['CERT_MALFORMED']);
    });
  });

  describe('when the anchor is distrusted after a date', () => {
    it("compares the signer's notBefore, or the signing time when given, never the validation time", async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, { notBefore: new Date('2024-03-01T00:00:00Z') });
      const anchors = [{ id: 'root', der: root.der, distrustAfter: new Date('2024-02-01T00:00:00Z') }];
      const base = { ...request(leaf, [], [root]), anchors, time: LATER };
      expect(codes(await buildAndValidatePath(base))).toEqual(['ANCHOR_DISTRUSTED']);
      const stamped = await buildAndValidatePath({ ...base, signingTime: new Date('2024-01-15T00:00:00Z') });
      expect(stamped.status).toBe('valid');
    });
  });

  describe('when the CA is cross-signed by a distrusted old root and a new root', () => {
    it('backtracks to the path through the new root', async () => {
      const oldRoot = await makeRoot('Old Root');
      const newRoot = await makeRoot('New Root');
      const keys = await newKeys();
      const caByOld = await makeCa('CA', oldRoot, { keys });
      const caByNew = await makeCa('CA', newRoot, { keys });
      const leaf = await makeLeaf('Signer', caByOld);
      const outcome = await buildAndValidatePath({
        ...request(leaf, [caByOld, caByNew], []),
        anchors: [
          { id: 'old', der: oldRoot.der, distrustAfter: new Date('2023-01-01T00:00:00Z') },
          { id: 'new', der: newRoot.der },
        ],
      });
      expect(outcome.status).toBe('valid');
      expect(outcome.status === 'valid' && outcome.anchor.id).toBe('new');
    });
  });

  describe('when the validation time has milliseconds past notAfter', () => {
    it('compares at whole seconds', async () => {
      const root = await makeRoot();
      const leaf = await makeLeaf('Signer', root, { notAfter: new Date('2025-01-01T00:00:00Z') });
      const outcome = await buildAndValidatePath({
        ...request(leaf, [], [root]),
        time: new Date('2025-01-01T00:00:00.500Z'),
      });
      expect(outcome.status).toBe('valid');
    });
  });

  describe('when the only issuer on offer cannot be read', () => {
    it('reports it with no_anchor instead of dropping it silently', async () => {
      const root = await makeRoot();
      const ca = await makeCa('CA', root);
      const leaf = await makeLeaf('Signer', ca);
      const broken = ca.der.subarray(0, ca.der.length - 1);
      const outcome = await buildAndValidatePath(request(leaf, [{ ...ca, der: broken }], [root]));
      expect(outcome.status).toBe('no_anchor');
      expect(codes(outcome)).toEqual(['UNKNOWN_ROOT', 'CERT_MALFORMED']);
    });
  });

  describe('when the leaf cannot be parsed', () => {
    it('returns no_anchor with CERT_MALFORMED and an empty path', async () => {
      const root = await makeRoot();
      const outcome = await buildAndValidatePath({
        ...request(root, [], [root]),
        leaf: new Uint8Array([0x30, 0x80]),
      });
      expect(outcome).toMatchObject({ status: 'no_anchor', path: [] });
      expect(codes(outcome)).toEqual(['CERT_MALFORMED']);
    });
  });
});
