import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

/** Committed fixtures the fuzz targets start from. */

const FIXTURES = join(import.meta.dirname, '../fixtures');

const read = (path: string) => new Uint8Array(readFileSync(path));

/** Every file under a fixtures folder (test/fixtures/<folder>, recursively) whose relative path matches. */
export function fixtureFiles(folder: string, pattern: RegExp): Uint8Array[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => read(join(dir, f)));
}

/** The signed JARs of test/fixtures/jar and test/fixtures/jar-unsigned-main. */
export const jarSeeds = (): Uint8Array[] => [
  ...fixtureFiles('jar/jars', /\.jar$/),
  ...fixtureFiles('jar-unsigned-main', /\.jar$/),
];

/** The manifests and .SF files inside those JARs. */
export const manifestSeeds = (): Uint8Array[] =>
  jarSeeds().flatMap((jar) => {
    try {
      return Object.entries(unzipSync(jar))
        .filter(([name]) => /^META-INF\/[^/]+\.(MF|SF)$/.test(name))
        .map(([, bytes]) => bytes);
    } catch {
      return []; // the zip bomb fixture is refused by fflate too
    }
  });
