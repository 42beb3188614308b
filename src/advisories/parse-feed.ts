import type { ParseFeedResult } from './feed-item';
import { parseRolieFeed } from './parse-rolie-feed';
import { parseXmlFeed } from './parse-xml-feed';

/**
 * Parses a fetched feed: CSAF ROLIE when the body is JSON (by Content-Type or by its first character),
 * RSS 2.0 / Atom otherwise. `baseUrl` (the URL the feed was fetched from) resolves relative links.
 * At most `maxItems` items are read (the first ones in the document); the rest are reported in `itemErrors`.
 * Returns a value: `{kind: 'error'}` when the document as a whole cannot be read.
 */
export async function parseFeed(
  body: string,
  contentType: string | null,
  baseUrl: string | null = null,
  maxItems = 1000,
): Promise<ParseFeedResult> {
  const type = (contentType ?? '').toLowerCase();
  const trimmed = body.trimStart();
  if (/\bjson\b/.test(type) || trimmed.startsWith('{')) return parseRolieFeed(trimmed, baseUrl, maxItems);
  if (trimmed === '') return { kind: 'error', reason: 'empty body' };
  return parseXmlFeed(body, baseUrl, maxItems);
}
