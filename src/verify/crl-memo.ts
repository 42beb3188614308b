/**
 * `parseCrl`, remembered (see memo.ts): stored and fetched CRLs come back with every verification of a
 * vendor, and a large one (100,000 entries, 4 MB) costs about a second to read strictly, hash and index.
 * Results are frozen (shallowly) because they are shared between requests; nothing mutates them.
 */
import { createBytesMemo } from './memo';
import { type ParsedCrl, parseCrl } from './path/crl';

const memo = createBytesMemo<ParsedCrl | null>({
  maxEntries: 64,
  maxInputBytes: 8 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
});

export function parseCrlMemo(der: Uint8Array): ParsedCrl | null {
  return memo(der, '', () => {
    const parsed = parseCrl(der);
    return parsed ? Object.freeze(parsed) : null;
  });
}
