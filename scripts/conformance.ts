/**
 * npm run conformance [-- --json] [--limbo FILE] [--pkits DIR] [--wycheproof DIR] [--verbose]
 * Prints one line per suite (`x509-limbo: 172/180 (wrong accepts 1, wrong rejects 7)`), or with --json
 * the scores and failing case ids. See test/conformance/runner.ts for how each suite is mapped.
 */
import {
  LIMBO_NAME_AND_KEY,
  renamed,
  runLimbo,
  runPkits,
  type SuiteResult,
  scoreLine,
} from '../test/conformance/runner';
import { runWycheproof } from '../test/conformance/wycheproof-runner';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const json = args.includes('--json');
const verbose = args.includes('--verbose');
const limboFile = option('--limbo', 'test/conformance/x509-limbo/limbo.json');
const pkitsDir = option('--pkits', 'test/conformance/nist-pkits');
const wycheproofDir = option('--wycheproof', 'test/conformance/wycheproof');

const limbo = await runLimbo(limboFile);
const pkits = await runPkits(pkitsDir);
const wycheproof = await runWycheproof(wycheproofDir);
// The same limbo cases with anchors held to their name and key, as the code-signing service runs paths.
const serviceAnchors = renamed(
  (await runLimbo(limboFile, new Date(), 'name-and-key')).counted,
  LIMBO_NAME_AND_KEY,
);
const suites: SuiteResult[] = [limbo.counted, pkits, wycheproof, limbo.hostName, serviceAnchors];

if (json) {
  const failing = (s: SuiteResult) =>
    s.cases
      .filter((c) => c.expected !== c.got)
      .map((c) => ({
        id: c.id,
        expected: c.expected ? 'valid' : 'invalid',
        got: c.status,
        reasons: c.reasons,
      }));
  console.log(
    JSON.stringify(
      suites.map((s) => ({
        suite: s.suite,
        right: s.right,
        total: s.total,
        wrongAccepts: s.wrongAccepts,
        wrongRejects: s.wrongRejects,
        slow: s.slow,
        failing: failing(s),
      })),
      null,
      2,
    ),
  );
} else {
  for (const s of suites) {
    console.log(scoreLine(s));
    if (verbose) {
      for (const c of s.cases.filter((x) => x.expected !== x.got)) {
        console.log(
          `  ${c.expected ? 'WRONG REJECT' : 'WRONG ACCEPT'} ${c.id} -> ${c.status} ${c.reasons.join(' | ')}`,
        );
      }
    }
    if (s.slow.length > 0) console.log(`  slow (> 1 s): ${s.slow.join(', ')}`);
  }
}
