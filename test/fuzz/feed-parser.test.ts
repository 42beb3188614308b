import { parseFeed } from '../../src/advisories';
import { fuzzTarget } from './harness';
import { fixtureFiles } from './seeds';
import { textStructure } from './structure';

const decoder = new TextDecoder();

fuzzTarget({
  name: 'feed-parser',
  seeds: fixtureFiles('feeds', /\.(xml|json)$/),
  structure: textStructure,
  // rss-parser reads 2-3 MiB/s on these machines: the 2 MiB feed cap is not a 1 s input (see README).
  maxInputBytes: 256 * 1024,
  run: (input) => parseFeed(decoder.decode(input), null, 'https://vendor.example/advisories/feed.xml'),
});
