import { type FeedItem, type ItemParseError, itemsBeyondLimit, type ParseFeedResult } from './feed-item';
import { htmlToText, looksLikeHtml, normalizeText } from './html-text';
import { resolveHttpLinks } from './resolve-links';

/**
 * CSAF ROLIE feeds (CSAF 2.0 §7.1.20) are JSON: `{feed: {id, title, link[], updated, entry: [{id, title,
 * link[{rel, href}], published, updated, summary: {content}, content: {type, src}, format}]}}`. Each entry is
 * read on its own: a malformed entry is reported and the others are kept.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function isoDate(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function textOf(v: unknown): string | null {
  const s = isObject(v) ? str(v.content) : str(v);
  if (!s) return null;
  return looksLikeHtml(s) ? htmlToText(s) : normalizeText(s);
}

function mapEntry(entry: unknown, baseUrl: string | null): FeedItem | string {
  if (!isObject(entry)) return 'entry is not an object';
  const id = str(entry.id);
  if (!id) return 'entry has no id';
  const linkObjects = Array.isArray(entry.link) ? entry.link.filter(isObject) : [];
  const contentSrc = isObject(entry.content) ? str(entry.content.src) : null;
  const self = linkObjects.find((l) => l.rel === 'self');
  const links = resolveHttpLinks([...linkObjects.map((l) => str(l.href)), contentSrc], baseUrl);
  const linkRaw = (self ? str(self.href) : null) ?? contentSrc;
  const link = linkRaw ? (resolveHttpLinks([linkRaw], baseUrl)[0] ?? null) : null;
  const enclosures = linkObjects
    .filter((l) => l.rel === 'enclosure')
    .flatMap((l) => resolveHttpLinks([str(l.href)], baseUrl))
    .map((url) => ({ url, type: null, length: null }));
  const texts = [textOf(entry.summary), isObject(entry.content) ? null : textOf(entry.content)].filter(
    (t): t is string => t !== null,
  );
  return {
    guid: id,
    title: textOf(entry.title) ?? '',
    link,
    published: isoDate(entry.published) ?? isoDate(entry.updated),
    content: texts.join('\n\n'),
    links,
    enclosures,
  };
}

export function parseRolieFeed(body: string, baseUrl: string | null, maxItems: number): ParseFeedResult {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (error) {
    return { kind: 'error', reason: `not JSON: ${(error as Error).message}` };
  }
  if (!isObject(doc) || !isObject(doc.feed))
    return { kind: 'error', reason: 'JSON without a ROLIE "feed" object' };
  const feed = doc.feed;
  const entries = feed.entry === undefined ? [] : feed.entry;
  if (!Array.isArray(entries)) return { kind: 'error', reason: 'ROLIE "feed.entry" is not an array' };

  const items: FeedItem[] = [];
  const itemErrors: (ItemParseError & { recovered: boolean })[] = [];
  entries.slice(0, maxItems).forEach((entry, index) => {
    const mapped = mapEntry(entry, baseUrl);
    if (typeof mapped === 'string') {
      itemErrors.push({
        index,
        guid: isObject(entry) ? str(entry.id) : null,
        reason: mapped,
        recovered: false,
      });
    } else {
      items.push(mapped);
    }
  });
  itemErrors.push(...itemsBeyondLimit(entries.length, maxItems));
  return { kind: 'ok', format: 'rolie', title: textOf(feed.title), items, itemErrors };
}
