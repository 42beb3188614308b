/**
 * Attacks on key-compromise distrust (issue 17, round 2): an anchor distrusted for key compromise says the
 * *key* is in other hands, so no certificate for that key may vouch for anything, whatever its DER, its
 * serial or the CA that issued it. The attacker holds the compromised key and every certificate ever
 * issued for it; it cannot issue new ones from an uncompromised CA.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { caseKindFor } from '../../src/services/escalations/opening';
import { type PathAnchor, type VerifyOutcome, verifyPackage } from '../../src/verify';
import { signDetached } from '../helpers/cms-builder';
import { type Issued, makeCa, makeLeaf, makeRoot } from '../verify/path/cert-factory';

const NOW = new Date('2026-06-01T00:00:00Z');
const content = new TextEncoder().encode('driver 7.1, signed with a stolen key');
const subtle = globalThis.crypto.subtle;

let root: Issued;
let leaf: Issued;
let renewed: Issued;

beforeAll(async () => {
  root = await makeRoot('Vendor Root');
  leaf = await makeLeaf('Vendor Code Signing', root, { serial: 99 });
  // A renewal that kept the key (common for code-signing certificates): same name and key, new serial.
  renewed = await makeLeaf('Vendor Code Signing', root, { serial: 100, keys: leaf.keys });
});

async function verify(
  signer: Issued,
  serial: number,
  issuerCn: string,
  certificates: Uint8Array[],
  anchors: PathAnchor[],
): Promise<VerifyOutcome> {
  const signature = await signDetached({ content, signer, issuerCn, serial, certificates });
  const result = await verifyPackage({
    signature,
    artifact: { kind: 'bytes', bytes: content },
    anchors,
    time: NOW,
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}
const codes = (o: VerifyOutcome) => o.reasons.map((r) => r.code);

describe('key-compromise distrust', () => {
  describe('when a pinned signer is distrusted for key compromise and a sibling certificate of its key chains to an active root', () => {
    const anchors = (): PathAnchor[] => [
      { id: 'root', der: root.der },
      { id: 'pin', der: leaf.der, kind: 'signer', keyCompromised: true },
    ];

    it('the pinned certificate itself is refused (as before)', async () => {
      const o = await verify(leaf, 99, root.cn, [leaf.der], anchors());
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('ANCHOR_DISTRUSTED');
    });

    it('a signature by the compromised key through its renewed certificate is refused too (distrust follows the key)', async () => {
      const o = await verify(renewed, 100, root.cn, [renewed.der], anchors());
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('ANCHOR_DISTRUSTED');
    });

    it('an unrelated signer under the same root is still trusted', async () => {
      const other = await makeLeaf('Vendor Other Signing', root, { serial: 101 });
      const o = await verify(other, 101, root.cn, [other.der], anchors());
      expect(o.verdict).toBe('trusted');
    });
  });

  describe('when the holder of a compromised key presents certificates of it that reach no anchor', () => {
    // distrusted-root cases are not budgeted (their top is a root the store holds); a chain that reaches
    // no anchor has a top the attacker chooses, so it must stay an unknown root (budgeted), never become a
    // distrusted-root case per self-made certificate.
    it('stays unknown_root (a budgeted case), not a distrusted-root case per self-made top', async () => {
      const anchors: PathAnchor[] = [
        { id: 'root', der: root.der },
        { id: 'pin', der: leaf.der, kind: 'signer', keyCompromised: true },
      ];
      const selfMade = await makeRoot('Anything At All', { keys: leaf.keys });
      const signer = await makeLeaf('Vendor Code Signing', selfMade, { serial: 5 });
      const o = await verify(signer, 5, selfMade.cn, [signer.der, selfMade.der], anchors);
      expect(o.verdict).not.toBe('trusted');
      expect(caseKindFor(o)).not.toBe('distrusted-root');
    });

    it('and its top, were it approved as a root, would still anchor nothing (distrust follows the key)', async () => {
      const selfMade = await makeRoot('Anything At All', { keys: leaf.keys });
      const signer = await makeLeaf('Vendor Code Signing', selfMade, { serial: 5 });
      const o = await verify(
        signer,
        5,
        selfMade.cn,
        [signer.der],
        [
          { id: 'pin', der: leaf.der, kind: 'signer', keyCompromised: true },
          { id: 'approved-by-mistake', der: selfMade.der },
        ],
      );
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('ANCHOR_DISTRUSTED');
    });
  });

  describe('when a root is distrusted for key compromise and its key is cross-certified by another active root', () => {
    it('a chain through the cross-certificate is refused (ANCHOR_DISTRUSTED)', async () => {
      const compromised = await makeRoot('Old Vendor Root');
      const other = await makeRoot('Partner Root');
      // The partner once cross-certified the vendor's root key.
      const cross = await makeCa('Old Vendor Root', other, { keys: compromised.keys, serial: 5 });
      const signer = await makeLeaf('Malware Signing', compromised, { serial: 77 });
      const o = await verify(
        signer,
        77,
        compromised.cn,
        [signer.der, cross.der],
        [
          { id: 'old', der: compromised.der, keyCompromised: true },
          { id: 'partner', der: other.der },
        ],
      );
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('ANCHOR_DISTRUSTED');
    });
  });
});
