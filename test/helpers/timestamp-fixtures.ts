import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TIMESTAMP_FIXTURES = join(import.meta.dirname, '../fixtures/timestamp');

export interface TimestampCase {
  name: string;
  vendor: string;
  artifact: string;
  signature: string;
  time: string;
  expectedVerdict: 'trusted' | 'rejected' | 'unknown_root';
  expectedReasons: string[];
  description: string;
}

export const timestampCases: TimestampCase[] = JSON.parse(
  readFileSync(join(TIMESTAMP_FIXTURES, 'manifest.json'), 'utf8'),
);

export const timestampCase = (name: string): TimestampCase => {
  const found = timestampCases.find((c) => c.name === name);
  if (!found) throw new Error(`no timestamp fixture ${name}`);
  return found;
};

export const readTimestampFixture = (file: string) =>
  new Uint8Array(readFileSync(join(TIMESTAMP_FIXTURES, file)));
