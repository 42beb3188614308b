import { CMS_FIXTURES, cmsCases } from './cms-fixtures';
import { JAR_FIXTURES, jarCases } from './jar-fixtures';
import { TIMESTAMP_FIXTURES, timestampCases } from './timestamp-fixtures';

/** One verify fixture as a request: what is sent, at what time, and what its manifest expects. */
export interface VerifyFixtureCase {
  name: string;
  vendor: string;
  /** Relative to the set's root; null sends the artifact alone (a signed JAR). */
  signature: string | null;
  artifact: string;
  time: string;
  expected: { verdict: string | null; reasons: string[]; error: string | null };
}

/** A fixture set: its folder (with its own `trust-store/`) and its cases. */
export interface VerifyFixtureSet {
  name: string;
  root: string;
  cases: VerifyFixtureCase[];
}

/** A case sent with its signature file (CMS and timestamp manifests share these fields). */
const signedCase = (c: {
  name: string;
  vendor: string;
  signature: string;
  artifact: string;
  time: string;
  expectedVerdict: string;
  expectedReasons: string[];
}): VerifyFixtureCase => ({
  name: c.name,
  vendor: c.vendor,
  signature: c.signature,
  artifact: c.artifact,
  time: c.time,
  expected: { verdict: c.expectedVerdict, reasons: c.expectedReasons, error: null },
});

/** Every verify fixture of the project, CMS, signed JAR and timestamp, by the trust store it is judged against. */
export const VERIFY_FIXTURE_SETS: VerifyFixtureSet[] = [
  {
    name: 'CMS',
    root: CMS_FIXTURES,
    cases: cmsCases.map(signedCase),
  },
  {
    name: 'signed JAR',
    root: JAR_FIXTURES,
    cases: jarCases.map((c) => ({
      name: c.name,
      vendor: c.vendor,
      signature: null,
      artifact: c.file,
      time: c.time,
      expected: { verdict: c.expectedVerdict, reasons: c.expectedReasons, error: c.expectedError },
    })),
  },
  {
    name: 'timestamp',
    root: TIMESTAMP_FIXTURES,
    cases: timestampCases.map(signedCase),
  },
];
