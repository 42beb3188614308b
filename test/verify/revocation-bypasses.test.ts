import { beforeAll, describe, expect, it } from 'vitest';
import { anyHttpUrl } from '../../src/advisories';
import { createCrlFetcher } from '../../src/services/revocation';
import {
  type KnownRevocation,
  type VerifyOutcome,
  type VerifyRequest,
  verifyPackage,
} from '../../src/verify';
import { type ParsedCertificate, parseCertificate } from '../../src/verify/certificate';
import { checkPathRevocation } from '../../src/verify/path-revocation';
import { signDetached } from '../helpers/cms-builder';
import { type CrlEntry, ext, type Issued, makeCa, makeCrl, makeLeaf, makeRoot } from './path/cert-factory';

/**
 * Each way issue 14 found to get a revoked signer trusted, tried against verifyPackage with a PKI made
 * in-process: the signer (serial 4242) is revoked for keyCompromise by its CA, and the attacker holds
 * the signing key and every CRL the CA ever published.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const KEY_COMPROMISE = 1;
const SUPERSEDED = 4;
const CERTIFICATE_HOLD = 6;
const REMOVE_FROM_CRL = 8;
const SIGNER_SERIAL = 4242;
const SIGNER_CRL_URL = 'http://crl.ca.example.test/ca.crl';
const content = new TextEncoder().encode('vendor package 1.2.3');
const subtle = globalThis.crypto.subtle;

let root: Issued;
let ca: Issued;
let signer: Issued;
let rootCrl: Uint8Array;

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const revokedEntry = (reason = KEY_COMPROMISE, date = day('2026-04-01')): CrlEntry => ({
  serial: SIGNER_SERIAL,
  date,
  reason,
});
const caCrl = (spec: Partial<Parameters<typeof makeCrl>[0]> = {}) =>
  makeCrl({ issuer: ca, thisUpdate: day('2026-05-25'), nextUpdate: day('2026-06-08'), number: 10, ...spec });

beforeAll(async () => {
  root = await makeRoot('Bypass Root');
  ca = await makeCa('Bypass Signing CA', root);
  signer = await makeLeaf('Bypass Signer', ca, {
    serial: SIGNER_SERIAL,
    extensions: [
      ext.keyUsage('digitalSignature'),
      ext.extKeyUsage('1.3.6.1.5.5.7.3.3'),
      ext.crlDistributionPoints(SIGNER_CRL_URL),
    ],
  });
  rootCrl = await makeCrl({ issuer: root, thisUpdate: day('2026-05-25'), nextUpdate: day('2026-08-01') });
});

async function signature(opts: { bag?: Uint8Array[]; certificates?: Uint8Array[] } = {}) {
  return signDetached({
    content,
    signer,
    issuerCn: ca.cn,
    serial: SIGNER_SERIAL,
    certificates: opts.certificates ?? [signer.der, ca.der],
    crls: opts.bag ?? [],
  });
}

async function verify(
  sig: Uint8Array,
  extra: Partial<VerifyRequest> = {},
): Promise<VerifyOutcome & { codes: string[]; warningCodes: string[] }> {
  const result = await verifyPackage({
    signature: sig,
    artifact: { kind: 'bytes', bytes: content },
    anchors: [{ id: 'root', der: root.der }],
    time: NOW,
    subtle,
    ...extra,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return {
    ...result.outcome,
    codes: result.outcome.reasons.map((r) => r.code),
    warningCodes: (result.outcome.warnings ?? []).map((r) => r.code),
  };
}

/** A revocation memory in a Map, as the database keeps it (by issuer, serial and evidence). */
function memoryInMap() {
  const rows = new Map<string, KnownRevocation>();
  return {
    rows,
    find: async (keys: ReadonlyArray<{ issuer: string; serial: string }>) =>
      [...rows.values()].filter((r) => keys.some((k) => k.issuer === r.issuer && k.serial === r.serial)),
    remember: async (entries: readonly KnownRevocation[]) => {
      for (const e of entries) {
        const key = `${e.issuer}|${e.serial}|${e.evidenceSha256}`;
        if (!rows.has(key)) rows.set(key, e);
      }
    },
  };
}

describe('revocation (issue 14 bypasses)', () => {
  describe('when nothing revokes the signer', () => {
    it('trusts the signature with fresh CRLs of the root and the CA in the bag', async () => {
      const outcome = await verify(await signature({ bag: [rootCrl, await caCrl()] }), {
        revocation: 'require',
      });
      expect(outcome.verdict).toBe('trusted');
      expect(outcome.warningCodes).toEqual([]);
    });
  });

  describe('when an old expired delta CRL of the same CA is attached next to the revoking CRL', () => {
    it('rejects with CERT_REVOKED (a stale delta no longer makes the complete CRL be skipped)', async () => {
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const staleDelta = await caCrl({
        number: 11,
        deltaOf: 10,
        thisUpdate: day('2026-05-26'),
        nextUpdate: day('2026-05-27'),
      });
      const outcome = await verify(await signature({ bag: [rootCrl, revoking, staleDelta] }));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('CERT_REVOKED');
    });
  });

  describe('when the revoking CRL has passed its nextUpdate', () => {
    it('still rejects with CERT_REVOKED under best-effort and under require', async () => {
      const expired = await caCrl({
        entries: [revokedEntry()],
        thisUpdate: day('2026-04-02'),
        nextUpdate: day('2026-04-16'),
      });
      for (const revocation of ['best-effort', 'require'] as const) {
        const outcome = await verify(await signature({ bag: [rootCrl] }), {
          revocation,
          storedCrls: async () => [expired],
        });
        expect(outcome.verdict).toBe('rejected');
        expect(outcome.codes).toContain('CERT_REVOKED');
      }
    });
  });

  describe('when the only revoking CRL is a delta CRL', () => {
    it('rejects with CERT_REVOKED, fresh or stale', async () => {
      for (const nextUpdate of [day('2026-06-08'), day('2026-05-27')]) {
        const delta = await caCrl({ number: 11, deltaOf: 10, entries: [revokedEntry()], nextUpdate });
        const outcome = await verify(await signature({ bag: [rootCrl, await caCrl(), delta] }));
        expect(outcome.codes).toContain('CERT_REVOKED');
      }
    });
  });

  describe('when a CRL lists the signer twice (keyCompromise, then superseded after the signature)', () => {
    it('rejects with CERT_REVOKED: the entry that revokes more counts, and the CRL covers nothing', async () => {
      const twice = await caCrl({
        entries: [revokedEntry(KEY_COMPROMISE), revokedEntry(SUPERSEDED, day('2026-05-01'))],
      });
      const outcome = await verify(await signature({ bag: [rootCrl, twice] }));
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('CERT_REVOKED');
    });
  });

  describe('when the CA has no CRL without nextUpdate younger than the documented maximum age', () => {
    it('answers REVOCATION_UNAVAILABLE under require, and a listed signer is still revoked', async () => {
      const old = await caCrl({ nextUpdate: null, thisUpdate: day('2026-05-01') });
      const require = await verify(await signature({ bag: [rootCrl, old] }), { revocation: 'require' });
      expect(require.verdict).toBe('rejected');
      expect(require.codes).toEqual(['REVOCATION_UNAVAILABLE']);
      expect(require.reasons[0]?.message).toContain('without nextUpdate');

      const recent = await caCrl({ nextUpdate: null, thisUpdate: day('2026-05-29') });
      expect(
        (await verify(await signature({ bag: [rootCrl, recent] }), { revocation: 'require' })).verdict,
      ).toBe('trusted');

      const oldRevoking = await caCrl({
        nextUpdate: null,
        thisUpdate: day('2026-05-01'),
        entries: [revokedEntry()],
      });
      expect((await verify(await signature({ bag: [rootCrl, oldRevoking] }))).codes).toContain(
        'CERT_REVOKED',
      );
    });
  });

  describe('when a junk certificate first in the bag names four other distribution points', () => {
    it("fetches the signer's own distribution point, never the junk's, and rejects with CERT_REVOKED", async () => {
      const junkIssuer = await makeRoot('Junk');
      const junk = await makeLeaf('Junk', junkIssuer, {
        extensions: [
          ext.crlDistributionPoints(
            'http://lure-1.example.test/a.crl',
            'http://lure-2.example.test/b.crl',
            'http://lure-3.example.test/c.crl',
            'http://lure-4.example.test/d.crl',
          ),
        ],
      });
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const asked: string[] = [];
      const outcome = await verify(
        await signature({ certificates: [junk.der, signer.der, ca.der], bag: [rootCrl] }),
        {
          fetchCrls: async (urls) => {
            asked.push(...urls);
            return urls.includes(SIGNER_CRL_URL) ? [revoking] : [];
          },
        },
      );
      expect(asked).toEqual([SIGNER_CRL_URL]);
      expect(outcome.codes).toContain('CERT_REVOKED');
    });
  });

  // Regression: the CRL fetcher passed on only CRLs the path check counts as coverage, so a CA-signed
  // CRL listing the signer twice (or without a CRLNumber) revoked when carried and was dropped when fetched.
  describe('when the distribution point serves a revoking CRL the path check counts as no coverage', () => {
    it('rejects with CERT_REVOKED, fetched as when carried', async () => {
      const listedTwice = await caCrl({
        entries: [revokedEntry(), revokedEntry(SUPERSEDED, day('2026-04-02'))],
      });
      const carried = await verify(await signature({ bag: [rootCrl, listedTwice] }));
      expect(carried.codes).toContain('CERT_REVOKED');
      const fetchCrls = createCrlFetcher({
        fetch: async (url) =>
          url === SIGNER_CRL_URL
            ? new Response(new Uint8Array(listedTwice))
            : new Response('', { status: 404 }),
        now: () => NOW,
        isAllowedUrl: anyHttpUrl,
      });
      const fetched = await verify(await signature({ bag: [rootCrl] }), { fetchCrls });
      expect(fetched.verdict).toBe('rejected');
      expect(fetched.codes).toContain('CERT_REVOKED');
    });
  });

  describe('when the signature fails before path validation', () => {
    it('fetches nothing and looks nothing up (a broken digest, an unknown root)', async () => {
      let asked = 0;
      const sources: Partial<VerifyRequest> = {
        fetchCrls: async () => {
          asked++;
          return [];
        },
        storedCrls: async () => {
          asked++;
          return [];
        },
      };
      const broken = await verifyPackage({
        signature: await signature(),
        artifact: { kind: 'bytes', bytes: new TextEncoder().encode('another package') },
        anchors: [{ id: 'root', der: root.der }],
        time: NOW,
        subtle,
        ...sources,
      });
      expect(broken.ok && broken.outcome.verdict).toBe('rejected');
      const stranger = await makeRoot('Stranger');
      const unknown = await verify(await signature(), {
        ...sources,
        anchors: [{ id: 's', der: stranger.der }],
      });
      expect(unknown.verdict).toBe('unknown_root');
      expect(asked).toBe(0);
    });
  });

  describe('when the CA later drops the revoked signer from its CRLs', () => {
    it('stays revoked: the revocation seen once is remembered, and a newer CRL cannot undo it', async () => {
      const memory = memoryInMap();
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const first = await verify(await signature({ bag: [rootCrl, revoking] }), {
        knownRevocations: memory.find,
      });
      expect(first.codes).toContain('CERT_REVOKED');
      await memory.remember(first.revocationEvidence?.flatMap((e) => e.revocations) ?? []);
      expect([...memory.rows.values()]).toMatchObject([
        { serial: '1092', reasonCode: KEY_COMPROMISE, revocationDate: day('2026-04-01') },
      ]);

      const dropped = await caCrl({ number: 12, thisUpdate: day('2026-05-30') });
      const later = await verify(await signature({ bag: [rootCrl, dropped] }), {
        knownRevocations: memory.find,
        revocation: 'require',
      });
      expect(later.verdict).toBe('rejected');
      expect(later.codes).toEqual(['CERT_REVOKED']);
    });

    it('does not learn from a CRL that fails to verify against the path', async () => {
      const impostor = await makeCa('Bypass Signing CA', root);
      const forged = await makeCrl({
        issuer: impostor,
        entries: [revokedEntry()],
        thisUpdate: day('2026-05-25'),
        nextUpdate: day('2026-06-08'),
      });
      const outcome = await verify(await signature({ bag: [rootCrl, forged] }));
      expect(outcome.codes).not.toContain('CERT_REVOKED');
      expect(outcome.revocationEvidence?.map((e) => e.revocations.length)).toEqual([0]);
    });
  });

  describe('when the signer is on hold', () => {
    it('is revoked until a newer CRL lifts the hold, and an older one cannot', async () => {
      const hold = await caCrl({ entries: [revokedEntry(CERTIFICATE_HOLD)] });
      const heldOutcome = await verify(await signature({ bag: [rootCrl, hold] }));
      expect(heldOutcome.codes).toContain('CERT_REVOKED');

      const older = await caCrl({ number: 9, thisUpdate: day('2026-05-20') });
      expect((await verify(await signature({ bag: [rootCrl, hold, older] }))).codes).toContain(
        'CERT_REVOKED',
      );

      const lifted = await caCrl({ number: 11, thisUpdate: day('2026-05-28') });
      expect((await verify(await signature({ bag: [rootCrl, hold, lifted] }))).verdict).toBe('trusted');

      const removal = await caCrl({
        number: 11,
        deltaOf: 10,
        thisUpdate: day('2026-05-28'),
        entries: [revokedEntry(REMOVE_FROM_CRL)],
      });
      expect((await verify(await signature({ bag: [rootCrl, hold, removal] }))).verdict).toBe('trusted');
    });

    it('cannot have a keyCompromise revocation undone by removeFromCRL', async () => {
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const removal = await caCrl({ number: 11, deltaOf: 10, entries: [revokedEntry(REMOVE_FROM_CRL)] });
      expect((await verify(await signature({ bag: [rootCrl, revoking, removal] }))).codes).toContain(
        'CERT_REVOKED',
      );
    });
  });

  describe('when the bag is full of CRLs that fail to verify', () => {
    it('checks the stored and fetched CRLs first, and a budget run out fails the path', async () => {
      const impostor = await makeCa('Bypass Signing CA', root);
      const junk = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          makeCrl({
            issuer: impostor,
            number: i + 1,
            thisUpdate: day('2026-05-25'),
            nextUpdate: day('2026-06-08'),
          }),
        ),
      );
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const outcome = await verify(await signature({ bag: [rootCrl, ...junk] }), {
        storedCrls: async () => [revoking],
        limits: { maxSignatureChecks: 8 },
      });
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toEqual(expect.arrayContaining(['CERT_REVOKED', 'PATH_BUDGET_EXCEEDED']));
    });
  });

  describe('when a trusted timestamp predates the revocation (checkPathRevocation at the timestamp)', () => {
    const STAMPED = day('2026-03-01');
    async function statusAtStamp(entries: CrlEntry[]) {
      const path = [signer, ca, root].map((c) => parseCertificate(c.der) as ParsedCertificate);
      const result = await checkPathRevocation({
        path,
        anchorId: 'root',
        pool: [],
        sources: { crls: [rootCrl, await caCrl({ entries })] },
        time: NOW,
        validationTime: STAMPED,
        subtle,
        maxSignatureChecks: 64,
      });
      return result.reasons.map((r) => r.code);
    }

    it('outlives only the reasons that say nothing of a compromised key', async () => {
      const outcomes: Record<string, string[]> = {};
      for (const code of [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, undefined]) {
        outcomes[String(code)] = await statusAtStamp([revokedEntry(code as number)]);
      }
      expect(outcomes).toEqual({
        '0': ['CERT_REVOKED'], // unspecified
        '1': ['CERT_REVOKED'], // keyCompromise
        '2': ['CERT_REVOKED'], // cACompromise
        '3': [], // affiliationChanged
        '4': [], // superseded
        '5': [], // cessationOfOperation
        '6': ['CERT_REVOKED'], // certificateHold
        '8': [], // removeFromCRL in a complete CRL revokes nothing
        '9': [], // privilegeWithdrawn
        '10': ['CERT_REVOKED'], // aACompromise
        undefined: ['CERT_REVOKED'], // no reason given
      });
    });

    it('keeps keyCompromise when the same CRL lists the signer again as superseded, in either order', async () => {
      const compromise = revokedEntry(KEY_COMPROMISE);
      const superseded = revokedEntry(SUPERSEDED, day('2026-04-02'));
      expect(await statusAtStamp([compromise, superseded])).toEqual(['CERT_REVOKED']);
      expect(await statusAtStamp([superseded, compromise])).toEqual(['CERT_REVOKED']);
    });
  });

  describe('attacks found in review', () => {
    it('a CRL of the CA for another distribution point that lists the signer still revokes it', async () => {
      const otherScope = await caCrl({
        idpUri: 'http://crl.ca.example.test/partition-7.crl',
        entries: [revokedEntry()],
      });
      const outcome = await verify(await signature({ bag: [rootCrl, await caCrl(), otherScope] }));
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
    });

    it("a year-old full CRL with a higher number of its own does not lift a partition's current hold", async () => {
      const partitionHold = await caCrl({
        number: 5,
        idpUri: SIGNER_CRL_URL,
        entries: [revokedEntry(CERTIFICATE_HOLD)],
      });
      const oldFull = await caCrl({
        number: 1000,
        thisUpdate: day('2025-05-01'),
        nextUpdate: day('2025-05-15'),
      });
      const outcome = await verify(await signature({ bag: [rootCrl, partitionHold, oldFull] }), {
        revocation: 'require',
      });
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
    });

    it('64 stale CRLs of the CA that do not list the signer cost no signature check', async () => {
      const old = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          caCrl({ number: i + 1, thisUpdate: day('2026-01-01'), nextUpdate: day('2026-01-15') }),
        ),
      );
      const outcome = await verify(await signature({ bag: [rootCrl] }), {
        storedCrls: async () => [...old, await caCrl({ number: 100 })],
        revocation: 'require',
      });
      expect(outcome.verdict).toBe('trusted');
    });

    it('junk CRLs under the CA name uploaded next to the revoking one never make the signer trusted', async () => {
      const impostor = await makeCa(ca.cn, root);
      const junk = await Promise.all(
        Array.from({ length: 70 }, (_, i) =>
          makeCrl({
            issuer: impostor,
            number: 50 + i,
            thisUpdate: day('2026-05-30'),
            nextUpdate: day('2026-06-20'),
          }),
        ),
      );
      const revoking = await caCrl({ entries: [revokedEntry()] });
      const outcome = await verify(await signature({ bag: [rootCrl] }), {
        storedCrls: async () => [...junk, revoking],
      });
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toContain('PATH_BUDGET_EXCEEDED');
    });

    it('more stored CRLs of one issuer than a verification reads fail closed instead of crowding one out', async () => {
      const many = await Promise.all(
        Array.from({ length: 129 }, (_, i) =>
          caCrl({ number: i + 1, thisUpdate: day('2026-01-01'), nextUpdate: day('2026-01-15') }),
        ),
      );
      const outcome = await verify(await signature({ bag: [rootCrl, await caCrl({ number: 200 })] }), {
        storedCrls: async () => many,
      });
      expect(outcome.verdict).toBe('rejected');
      expect(outcome.codes).toEqual(['PATH_BUDGET_EXCEEDED']);
    });

    it("a revoking CRL signed by the CA's separate CRL signer counts even when that signer's own status is unknown", async () => {
      const crlSigner = await makeCa(ca.cn, root); // same name, own key, issued by the root (RFC 5280 §6.3.3(f))
      const revoking = await makeCrl({
        issuer: crlSigner,
        number: 10,
        entries: [revokedEntry()],
        thisUpdate: day('2026-05-25'),
        nextUpdate: day('2026-06-08'),
      });
      const staleRootCrl = await makeCrl({
        issuer: root,
        thisUpdate: day('2026-01-01'),
        nextUpdate: day('2026-01-15'),
      });
      const outcome = await verify(
        await signature({ certificates: [signer.der, ca.der, crlSigner.der], bag: [staleRootCrl, revoking] }),
      );
      expect(outcome.codes).toEqual(['CERT_REVOKED']);
    });

    it("another root's CA that copies the CA's name cannot revoke this CA's signers through the memory", async () => {
      const memory = memoryInMap();
      const malloryRoot = await makeRoot('Mallory Root');
      const malloryCa = await makeCa(ca.cn, malloryRoot);
      const mallorySigner = await makeLeaf('Mallory Signer', malloryCa, { serial: 17 });
      const poison = await makeCrl({
        issuer: malloryCa,
        entries: [revokedEntry()],
        thisUpdate: day('2026-05-25'),
        nextUpdate: day('2026-06-08'),
      });
      const mallory = await verify(
        await signDetached({
          content,
          signer: mallorySigner,
          issuerCn: malloryCa.cn,
          serial: 17,
          certificates: [mallorySigner.der, malloryCa.der],
          crls: [poison],
        }),
        { anchors: [{ id: 'mallory-root', der: malloryRoot.der }], knownRevocations: memory.find },
      );
      expect(mallory.verdict).toBe('trusted');
      await memory.remember(mallory.revocationEvidence?.flatMap((e) => e.revocations) ?? []);
      expect(memory.rows.size).toBe(1);
      const victim = await verify(await signature({ bag: [rootCrl, await caCrl()] }), {
        knownRevocations: memory.find,
      });
      expect(victim.verdict).toBe('trusted');
    });
  });
});
