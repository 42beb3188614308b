/**
 * Rewrites test/conformance/scores.json from a fresh run (npx tsx test/conformance/update-scores.ts).
 * Run it only when the verifier got better: the ratchet test refuses any score below the recorded one
 * and any failing case that is not already recorded as failing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMBO_NAME_AND_KEY, runLimbo, runPkits, type SuiteResult } from './runner';

const here = new URL('.', import.meta.url).pathname;
/** Stands in for "now" in limbo cases without a validation time (their certificates span 1970-2969). */
const PINNED_NOW = new Date('2026-07-01T00:00:00Z');
const limbo = await runLimbo(join(here, 'x509-limbo/limbo.json'), PINNED_NOW);
const pkits = await runPkits(join(here, 'nist-pkits'));
const nameAndKey = await runLimbo(join(here, 'x509-limbo/limbo.json'), PINNED_NOW, 'name-and-key');
const entry = (s: SuiteResult) => ({
  right: s.right,
  total: s.total,
  wrongAccepts: s.wrongAccepts,
  wrongRejects: s.wrongRejects,
});
const scores = {
  'x509-limbo': entry(limbo.counted),
  'nist-pkits': entry(pkits),
  [LIMBO_NAME_AND_KEY]: entry(nameAndKey.counted),
};
writeFileSync(join(here, 'scores.json'), `${JSON.stringify(scores, null, 2)}\n`);
console.log(
  JSON.stringify({ limbo: limbo.counted.right, pkits: pkits.right, limboNameAndKey: nameAndKey.counted.right }),
);
