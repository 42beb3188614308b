import { parseManifest, pickDigest } from '../../src/verify/jar/manifest';
import { fuzzTarget } from './harness';
import { manifestSeeds } from './seeds';
import { lineStructure } from './structure';

fuzzTarget({
  name: 'jar-manifest',
  seeds: manifestSeeds(),
  structure: lineStructure,
  run: (input) => {
    const result = parseManifest(input);
    if (result.ok) {
      for (const section of [result.manifest.main, ...result.manifest.entries.values()]) {
        pickDigest(section, '-Digest');
        pickDigest(section, '-Digest-Manifest');
      }
    }
    return result;
  },
});
