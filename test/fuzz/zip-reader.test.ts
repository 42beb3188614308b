import { readEntryData } from '../../src/verify/jar/entry-data';
import { readZip } from '../../src/verify/jar/zip-reader';
import { fuzzTarget } from './harness';
import { jarSeeds } from './seeds';
import { zipStructure } from './structure';

fuzzTarget({
  name: 'zip-reader',
  seeds: jarSeeds().filter((jar) => jar.length < 64 * 1024),
  structure: zipStructure,
  run: (input) => {
    const zip = readZip(input);
    if (zip.ok) for (const entry of zip.entries) readEntryData(input, entry);
    return zip;
  },
});
