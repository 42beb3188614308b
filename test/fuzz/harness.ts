import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrustgateError } from '../../src/errors';
import { mutatedInputs } from './mutate';
import { noStructure, type StructureFinder } from './structure';
import { Watchdog } from './watchdog';

/**
 * One fuzz target: committed seeds, mutated by fast-check (mutate.ts), run through `run`. Every input must
 * return (any value) or throw a TrustgateError, within `FUZZ_SLOW_MS` (1 s). A failing input is written to
 * test/fuzz/crashers/<name>/<sha256 prefix>.bin, and every file there is replayed first on every run, so a
 * committed crasher is a regression test. See test/fuzz/README.md.
 */
export interface FuzzTarget {
  /** Names the crashers folder and the test. */
  name: string;
  /** Inputs the mutations start from (committed fixtures); each is also run as it is. */
  seeds: readonly Uint8Array[];
  /** One input through the code under test. Its return value is passed to `check`. */
  run: (input: Uint8Array) => unknown;
  /** Where the format's structure is, for structure-aware mutations (structure.ts). */
  structure?: StructureFinder;
  /** A property of every result, beyond "returns or throws a TrustgateError" (throw to fail). */
  check?: (input: Uint8Array, result: unknown) => void;
  /** Largest input a mutation makes (default 1 MiB). */
  maxInputBytes?: number;
}

export const CRASHERS = join(import.meta.dirname, 'crashers');

interface Budget {
  runs: number;
  timeMs: number;
  seed: number;
}

/** `npm test`: a fixed seed and a few hundred runs; `npm run fuzz` (FUZZ_BUDGET=long): a fresh seed, a minute each. */
function budget(): Budget {
  const long = process.env.FUZZ_BUDGET === 'long';
  const number = (name: string, fallback: number) => {
    const value = process.env[name];
    return value === undefined || value === '' ? fallback : Number(value);
  };
  return {
    runs: number('FUZZ_RUNS', long ? Number.MAX_SAFE_INTEGER : 300),
    timeMs: number('FUZZ_TIME_MS', long ? 60_000 : 8_000),
    seed: number('FUZZ_SEED', long ? Math.floor(Math.random() * 0x7fffffff) : 13),
  };
}

const SLOW_MS = Number(process.env.FUZZ_SLOW_MS ?? 1000);
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 20_000);

const hashOf = (input: Uint8Array) => createHash('sha256').update(input).digest('hex').slice(0, 16);

function save(dir: string, input: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${hashOf(input)}.bin`);
  writeFileSync(file, input);
  return file;
}

async function timed(target: FuzzTarget, input: Uint8Array): Promise<{ ms: number; result: unknown }> {
  const started = performance.now();
  let result: unknown;
  try {
    result = await target.run(new Uint8Array(input));
  } catch (error) {
    if (!(error instanceof TrustgateError)) throw error;
    result = error;
  }
  return { ms: performance.now() - started, result };
}

/** Runs one input and throws, with the input saved, when it escapes with anything but a TrustgateError or is slow. */
async function runOne(target: FuzzTarget, dir: string, watchdog: Watchdog, input: Uint8Array): Promise<void> {
  watchdog.begin(input);
  try {
    let outcome: { ms: number; result: unknown };
    try {
      outcome = await timed(target, input);
    } catch (error) {
      const file = save(dir, input);
      const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`${target.name}: ${shown} escaped (input of ${input.length} bytes saved to ${file})`, {
        cause: error,
      });
    }
    // One slow run can be a busy machine; two in a row are the input.
    if (outcome.ms > SLOW_MS) {
      const again = await timed(target, input);
      if (again.ms > SLOW_MS) {
        const file = save(dir, input);
        throw new Error(
          `${target.name}: an input of ${input.length} bytes took ${outcome.ms.toFixed(0)} ms, then ${again.ms.toFixed(0)} ms (over ${SLOW_MS} ms; saved to ${file})`,
        );
      }
    }
    if (target.check && !(outcome.result instanceof TrustgateError)) {
      try {
        target.check(input, outcome.result);
      } catch (error) {
        const file = save(dir, input);
        throw new Error(`${target.name}: check failed (input saved to ${file}): ${String(error)}`, {
          cause: error,
        });
      }
    }
  } finally {
    watchdog.end();
  }
}

/** Registers the target's tests: seeds and committed crashers replayed, then the budgeted fuzz run. */
export function fuzzTarget(target: FuzzTarget): void {
  const dir = join(CRASHERS, target.name);
  const maxBytes = target.maxInputBytes ?? 1024 * 1024;
  const { runs, timeMs, seed } = budget();

  describe(`fuzz ${target.name}`, () => {
    describe('when given its seeds and every committed crasher', () => {
      it('returns or throws a TrustgateError, each within the time limit', async () => {
        const crashers = existsSync(dir)
          ? readdirSync(dir)
              .filter((f) => f.endsWith('.bin'))
              .sort()
              .map((f) => new Uint8Array(readFileSync(join(dir, f))))
          : [];
        const watchdog = new Watchdog(
          target.name,
          dir,
          Math.max(maxBytes, ...crashers.map((c) => c.length)),
          HANG_MS,
        );
        try {
          for (const input of [...target.seeds, ...crashers]) await runOne(target, dir, watchdog, input);
        } finally {
          await watchdog.stop();
        }
        expect(target.seeds.length).toBeGreaterThan(0);
      });
    });

    describe(`when given mutated seeds (${runs === Number.MAX_SAFE_INTEGER ? 'no run limit' : `${runs} runs`}, ${timeMs} ms, seed ${seed})`, () => {
      it(
        'returns or throws a TrustgateError, each within the time limit',
        async () => {
          const watchdog = new Watchdog(target.name, dir, maxBytes, HANG_MS);
          const started = performance.now();
          let details: fc.RunDetails<unknown>;
          try {
            details = await fc.check(
              fc.asyncProperty(
                mutatedInputs(target.seeds, target.structure ?? noStructure, maxBytes),
                (input) => runOne(target, dir, watchdog, input),
              ),
              { numRuns: runs, seed, endOnFailure: true, plugins: [fc.interruptAfterTimeLimit(timeMs)] },
            );
          } finally {
            await watchdog.stop();
          }
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          console.log(`fuzz ${target.name}: ${details.numRuns} runs in ${seconds} s (seed ${seed})`);
          if (details.failed) {
            const cause = details.errorInstance;
            throw cause instanceof Error ? cause : new Error(String(cause));
          }
          expect(details.numRuns).toBeGreaterThan(0);
        },
        timeMs + 60_000,
      );
    });
  });
}
