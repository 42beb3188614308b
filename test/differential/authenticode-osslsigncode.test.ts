/**
 * trustgate against `osslsigncode verify` on every PE fixture of scripts/fixtures/make-authenticode-fixtures.sh:
 * the same file, the same trusted certificates (the -CAfile and -TSA-CAfile each command names) and the same
 * instant. They must agree on trusted / not trusted, except where DIFFERENCES says why they do not; each
 * difference is documented in docs/authenticode.md. osslsigncode's answers were recorded when the fixtures
 * were made (test/fixtures/authenticode/expected.json), so this runs without it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePemBlocks, type PathAnchor, verifyAuthenticode } from '../../src/verify';
import {
  AUTHENTICODE_FIXTURES,
  type AuthenticodeFixture,
  authenticodeExpected,
  readAuthenticodeFixture,
} from '../helpers/authenticode-fixtures';

const expected = authenticodeExpected;
type Fixture = AuthenticodeFixture;

/** Where trustgate is stricter, or osslsigncode cannot read the file: trustgate's verdict and why. */
const DIFFERENCES: Record<string, { trustgate: 'trusted' | 'rejected'; why: string }> = {
  'pe32plus-sha1': { trustgate: 'rejected', why: 'SHA-1 signatures are refused (WEAK_DIGEST_ALGORITHM)' },
  'pe32plus-keyusage-without-digitalsignature': {
    trustgate: 'rejected',
    why: 'a keyUsage that is present must allow digitalSignature (RFC 5280 §4.2.1.3); osslsigncode does not look',
  },
  'pe32plus-two-entries': {
    trustgate: 'trusted',
    why: 'osslsigncode 2.9 refuses any certificate table with more than one entry; each entry alone verifies',
  },
  'pe32plus-two-entries-second-unknown-root': {
    trustgate: 'trusted',
    why: 'as above; the first entry is trusted and the second is untrusted, not broken',
  },
  'pe32plus-nested-signature-bit-flipped': {
    trustgate: 'rejected',
    why: 'a broken signature rejects the file whatever the others say; osslsigncode needs one good signature',
  },
  'pe32plus-rfc3161-token-bit-flipped': {
    trustgate: 'rejected',
    why: 'a broken timestamp is never ignored (TIMESTAMP_INVALID); osslsigncode passes the signer on the current time',
  },
  'pe32plus-legacy-countersignature-bit-flipped': {
    trustgate: 'rejected',
    why: 'as above, for a PKCS#9 countersignature',
  },
  'pe32plus-self-signed-signer-as-cafile': {
    trustgate: 'trusted',
    why: 'agreement, but the self-signed signer is given as a pinned signer (kind signer), not as a root: a non-CA anchors no chain',
  },
};

const certificates = (file: string) =>
  decodePemBlocks(readFileSync(join(AUTHENTICODE_FIXTURES, file), 'utf8')).map((b) => b.der);

function argument(command: string[], flag: string): string | null {
  const at = command.indexOf(flag);
  return at >= 0 ? (command[at + 1] ?? null) : null;
}

function anchorsOf(fixture: Fixture): { anchors: PathAnchor[]; tsaAnchors: PathAnchor[] } {
  const ca = argument(fixture.osslsigncode.command, '-CAfile');
  const tsa = argument(fixture.osslsigncode.command, '-TSA-CAfile');
  const kind = fixture.name.endsWith('-as-cafile') ? ('signer' as const) : ('root' as const);
  return {
    anchors: ca ? certificates(ca).map((der, i) => ({ id: `${ca}#${i}`, der, kind })) : [],
    tsaAnchors: tsa ? certificates(tsa).map((der, i) => ({ id: `${tsa}#${i}`, der })) : [],
  };
}

// PE files only: the optional CAB and MSI fixtures are formats trustgate does not read (docs/authenticode.md).
const peFixtures = expected.fixtures.filter((f) => f.layout !== null);

describe('Authenticode verdicts against osslsigncode verify', () => {
  describe('when both read the same PE fixture with the same trusted certificates at the same instant', () => {
    it('covers every PE fixture, and every documented difference names one', () => {
      expect(peFixtures.length).toBeGreaterThanOrEqual(50);
      const names = new Set(peFixtures.map((f) => f.name));
      expect(Object.keys(DIFFERENCES).filter((n) => !names.has(n))).toEqual([]);
    });

    for (const fixture of peFixtures) {
      const difference = DIFFERENCES[fixture.name];
      const osslsigncode = fixture.osslsigncode.exitCode === 0 ? 'trusted' : 'rejected';
      const want = difference?.trustgate ?? osslsigncode;
      it(`${fixture.name}: ${want}${difference ? ` (osslsigncode: ${osslsigncode}; ${difference.why})` : ''}`, async () => {
        const result = await verifyAuthenticode({
          image: readAuthenticodeFixture(fixture.file),
          ...anchorsOf(fixture),
          time: new Date(expected.verifyEpoch * 1000),
          subtle: globalThis.crypto.subtle,
        });
        // A request error (a table that cannot be read) is "not trusted", as osslsigncode's failure is.
        const verdict = result.ok ? result.outcome.verdict : 'rejected';
        expect(verdict === 'trusted' ? 'trusted' : 'rejected').toBe(want);
      });
    }
  });
});
