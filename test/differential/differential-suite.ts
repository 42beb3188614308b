import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/errors';
import { decodePemBlocks, verifyPackage } from '../../src/verify';
import {
  type DifferentialFixture,
  differentialFixtures,
  FIXTURES_DIR,
  type Mutant,
  mutants,
} from './fixtures';

const subtle = globalThis.crypto.subtle;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const anchorsOf = (files: string[]) =>
  files.flatMap((file) =>
    decodePemBlocks(readFileSync(resolve(FIXTURES_DIR, file), 'utf8')).map((b, i) => ({
      id: `${file}#${i}`,
      der: b.der,
    })),
  );

interface Recorded {
  signatureSha256: string;
  mutants: number;
  answers: string;
}

function verifier(fixture: DifferentialFixture) {
  const anchors = anchorsOf(fixture.roots);
  const tsaAnchors = anchorsOf(fixture.tsaRoots);
  const time = new Date(fixture.time);
  return (signature: Uint8Array) =>
    verifyPackage({
      signature,
      artifact: fixture.artifact ? { kind: 'bytes', bytes: fixture.artifact } : { kind: 'none' },
      anchors,
      tsaAnchors,
      time,
      subtle,
    });
}

/**
 * The differential test of one fixture: every single-bit flip and every truncation through
 * `verifyPackage`, against what OpenSSL said of the same bytes (recorded by
 * scripts/fixtures/make-differential-answers.ts). trustgate may refuse more than OpenSSL (it has an
 * algorithm and profile policy, and reads strictly); it may never trust what OpenSSL cannot parse or
 * verify, and a trusted verdict must describe a certificate the request carried, byte for byte.
 */
export function differentialSuite(name: string): void {
  const fixture = differentialFixtures().find((f) => f.name === name) as DifferentialFixture;
  const recorded = JSON.parse(
    readFileSync(resolve(FIXTURES_DIR, 'differential', `${name}.json`), 'utf8'),
  ) as Recorded;
  const verify = verifier(fixture);

  describe(`verifyPackage against OpenSSL on the ${name} fixture`, () => {
    describe('when the recorded answers are read', () => {
      it('belong to exactly this fixture and its mutants', async () => {
        expect(recorded.signatureSha256).toBe(sha256(fixture.signature));
        expect(recorded.answers).toHaveLength(recorded.mutants);
        const result = await verify(fixture.signature);
        expect(result.ok && result.outcome.verdict).toBe('trusted');
      });
    });

    describe('when every bit is flipped and every truncation is sent', () => {
      it('never trusts what OpenSSL refuses, never throws, and trusts only a signer certificate sent in the request', {
        timeout: 600_000,
      }, async () => {
        const problems: string[] = [];
        let count = 0;
        const check = async (mutant: Mutant) => {
          count++;
          const openssl = recorded.answers[mutant.index];
          let result: Awaited<ReturnType<typeof verifyPackage>>;
          try {
            result = await verify(mutant.signature);
          } catch (error) {
            problems.push(`${mutant.what}: threw ${(error as Error).message}`);
            return;
          }
          if (!result.ok) {
            if (!(result.code in ERROR_STATUS)) problems.push(`${mutant.what}: unknown code ${result.code}`);
            return;
          }
          if (result.outcome.verdict !== 'trusted') return;
          if (openssl !== 'v')
            problems.push(
              `${mutant.what}: trusted, but OpenSSL ${openssl === 'p' ? 'cannot parse it' : 'refuses it'}`,
            );
          const signerDer = result.outcome.signerDer;
          if (
            !signerDer ||
            sha256(signerDer) !== result.outcome.signer?.sha256 ||
            Buffer.from(mutant.signature).indexOf(Buffer.from(signerDer)) === -1
          )
            problems.push(`${mutant.what}: trusted a signer certificate the request did not carry`);
        };
        // A few verifications in flight, so that the main thread parses while WebCrypto checks signatures
        // on the thread pool.
        const source = mutants(fixture);
        const worker = async () => {
          for (let next = source.next(); !next.done; next = source.next()) await check(next.value);
        };
        await Promise.all(Array.from({ length: 4 }, worker));
        expect(count).toBe(recorded.mutants);
        expect(problems).toEqual([]);
      });
    });
  });
}
