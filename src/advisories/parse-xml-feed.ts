import Parser from 'rss-parser';
import {
  type FeedEnclosure,
  type FeedItem,
  type ItemParseError,
  itemsBeyondLimit,
  type ParseFeedResult,
} from './feed-item';
import { decodeEntities, htmlLinks, htmlToText, looksLikeHtml, normalizeText } from './html-text';
import { elements, firstElementText, openElementsAt, tags, withoutElements } from './markup-scan';
import { resolveHttpLinks } from './resolve-links';
import './rss-parser-snippets';

/**
 * RSS 2.0 / Atom through rss-parser's `parseString` (never `parseURL`: fetching is ours). Custom fields keep
 * what rss-parser 3.13 drops by default: every Atom `<link>` (so `rel="enclosure"` survives), every RSS
 * `<enclosure>` (not only the first) and `<summary>`.
 *
 * When rss-parser rejects the whole document (one Atom entry with a bad date is enough), items are parsed
 * one by one inside the document's skeleton; an item that still fails is retried with its dates removed
 * (and undeclared HTML entities made numeric), so that one broken item never loses the others.
 */

type AttrNode = { $?: Record<string, string | undefined> };
type RawItem = {
  guid?: unknown;
  id?: unknown;
  title?: unknown;
  link?: unknown;
  isoDate?: unknown;
  content?: unknown;
  summary?: unknown;
  'content:encoded'?: unknown;
  links?: unknown;
  enclosures?: unknown;
};

const CUSTOM_FIELDS = {
  item: [['link', 'links', { keepArray: true }], ['enclosure', 'enclosures', { keepArray: true }], 'summary'],
} as const;

function newParser(): Parser<Record<string, unknown>, RawItem> {
  // a fresh parser per document: xml2js parsers keep state between calls
  return new Parser<Record<string, unknown>, RawItem>({
    customFields: CUSTOM_FIELDS as unknown as Parser.CustomFields<Record<string, unknown>, RawItem>,
  });
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function attrNodes(v: unknown): Record<string, string | undefined>[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((n: unknown) => (n && typeof n === 'object' ? (n as AttrNode).$ : undefined))
    .filter((a): a is Record<string, string | undefined> => a !== undefined);
}

function toText(value: string): string {
  return looksLikeHtml(value) ? htmlToText(value) : normalizeText(decodeEntities(value));
}

function toLength(v: string | undefined): number | null {
  if (v === undefined || !/^\d+$/.test(v.trim())) return null;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : null;
}

function mapItem(raw: RawItem, baseUrl: string | null): FeedItem {
  const title = str(raw.title);
  const link = str(raw.link);
  const base = link ?? baseUrl;
  const published = str(raw.isoDate);

  const bodies = [str(raw['content:encoded']), str(raw.content), str(raw.summary)].filter(
    (b): b is string => b !== null,
  );
  const texts: string[] = [];
  for (const body of bodies) {
    const text = toText(body);
    if (text !== '' && !texts.some((t) => t.includes(text))) texts.push(text);
  }

  const linkAttrs = attrNodes(raw.links);
  const enclosures: FeedEnclosure[] = [];
  // A set, not a search of the list: an item can carry tens of thousands of enclosures.
  const enclosureUrls = new Set<string>();
  const pushEnclosure = (url: string | undefined, type: string | undefined, length: string | undefined) => {
    const [resolved] = resolveHttpLinks([url], base);
    if (resolved && !enclosureUrls.has(resolved)) {
      enclosureUrls.add(resolved);
      enclosures.push({ url: resolved, type: type ?? null, length: toLength(length) });
    }
  };
  for (const a of attrNodes(raw.enclosures)) pushEnclosure(a.url, a.type, a.length);
  for (const a of linkAttrs) if (a.rel === 'enclosure') pushEnclosure(a.href, a.type, a.length);

  const links = resolveHttpLinks(
    [
      link,
      ...linkAttrs.filter((a) => a.rel !== 'enclosure').map((a) => a.href),
      ...bodies.flatMap(htmlLinks),
    ],
    base,
  );
  const guid = str(raw.guid) ?? str(raw.id) ?? link ?? `untitled:${title ?? ''}|${published ?? ''}`;
  return {
    guid: guid.trim(),
    title: title ? toText(title) : '',
    link: link ? (resolveHttpLinks([link], baseUrl)[0] ?? null) : null,
    published,
    content: texts.join('\n\n'),
    links,
    enclosures,
  };
}

const ROOT_NAME = /^<\s*(?:[\w-]+:)?([\w-]+)/;

function rootElement(xml: string): string | null {
  // The first tag that is not a processing instruction, comment or declaration.
  for (const tag of tags(xml)) {
    if (tag.comment || tag.raw.startsWith('<?') || tag.raw.startsWith('<!')) continue;
    return ROOT_NAME.exec(tag.raw)?.[1] ?? null;
  }
  return null;
}

/**
 * Bytes of XML the item-by-item reading may parse in all: a few times the body, and a floor for small
 * feeds with a large skeleton. Reached only when the skeleton cannot be cut down to the item's ancestors.
 */
const FALLBACK_PARSE_FACTOR = 4;
const FALLBACK_PARSE_FLOOR = 1024 * 1024;

const DATE_ELEMENTS = ['published', 'updated', 'pubDate', 'dc:date', 'lastBuildDate'];

/** Makes HTML named entities that XML does not declare numeric, and drops date elements. */
function sanitiseItem(block: string): string {
  return withoutElements(block, DATE_ELEMENTS).replace(
    /&(?!(?:amp|lt|gt|quot|apos);|#)([A-Za-z][A-Za-z0-9]{1,8});/g,
    (_w, name: string) => {
      const decoded = decodeEntities(`&${name};`);
      return decoded === `&${name};` ? `&amp;${name};` : `&#${decoded.codePointAt(0)};`;
    },
  );
}

function guessGuid(block: string): string | null {
  const text = firstElementText(block, ['guid', 'id']);
  return text ? decodeEntities(text) : null;
}

async function parseWhole(xml: string): Promise<RawItem[]> {
  const feed = await newParser().parseString(xml);
  return feed.items;
}

export async function parseXmlFeed(
  body: string,
  baseUrl: string | null,
  maxItems: number,
): Promise<ParseFeedResult> {
  const root = rootElement(body);
  const format = root === 'feed' ? 'atom' : 'rss';
  const title = (() => {
    const text = firstElementText(body, ['title']);
    return text ? toText(text) : null;
  })();
  if (root !== 'feed' && root !== 'rss' && root !== 'RDF') {
    return { kind: 'error', reason: `not an RSS or Atom document (root element ${root ?? 'missing'})` };
  }

  const itemErrors: (ItemParseError & { recovered: boolean })[] = [];
  try {
    const raws = await parseWhole(body);
    const items: FeedItem[] = [];
    raws.slice(0, maxItems).forEach((raw, index) => {
      try {
        items.push(mapItem(raw, baseUrl));
      } catch (error) {
        itemErrors.push({ index, guid: null, reason: String(error), recovered: false });
      }
    });
    itemErrors.push(...itemsBeyondLimit(raws.length, maxItems));
    return { kind: 'ok', format, title, items, itemErrors };
  } catch (wholeError) {
    // fall through: item by item
    const tag = format === 'atom' ? 'entry' : 'item';
    const blocks = elements(body, tag);
    const first = blocks[0];
    if (!first) {
      return {
        kind: 'error',
        reason: `unreadable feed: ${(wholeError as Error).message ?? String(wholeError)}`,
      };
    }
    const marker = '\u0000ITEM\u0000';
    let skeleton = '';
    let cursor = 0;
    for (const [i, b] of blocks.entries()) {
      skeleton += body.slice(cursor, b.start) + (i === 0 ? marker : '');
      cursor = b.end;
    }
    skeleton += body.slice(cursor);
    try {
      await parseWhole(skeleton.replace(marker, ''));
    } catch (skeletonError) {
      return { kind: 'error', reason: `unreadable feed: ${(skeletonError as Error).message}` };
    }

    // Each item is parsed inside the elements that enclose the first one (the root's own tag kept, with
    // its namespace declarations), not inside the whole skeleton: a skeleton of 1 MB parsed again for each
    // of 1,000 items is a gigabyte of XML. Where that markup cannot be read, the whole skeleton is used,
    // within a budget of parsed bytes; items past it are reported, not read.
    const ancestors = openElementsAt(body, first.start);
    const frame = ancestors
      ? `${ancestors.map((e) => e.raw).join('')}${marker}${ancestors
          .map((e) => `</${e.name}>`)
          .reverse()
          .join('')}`
      : skeleton;
    let budget = FALLBACK_PARSE_FACTOR * body.length + FALLBACK_PARSE_FLOOR;
    const items: FeedItem[] = [];
    const itemBlocks = blocks.slice(0, maxItems);
    for (const [index, b] of itemBlocks.entries()) {
      const attempt = async (block: string) => {
        budget -= frame.length + block.length;
        const raws = await parseWhole(frame.replace(marker, () => block));
        const raw = raws[0];
        if (!raw || raws.length !== 1) throw new Error('item not found after isolating it');
        return mapItem(raw, baseUrl);
      };
      if (budget < 2 * (frame.length + b.end - b.start)) {
        itemErrors.push({
          index,
          guid: null,
          reason: `${itemBlocks.length - index} item(s) not read: the feed is too large to read item by item`,
          recovered: false,
        });
        break;
      }
      try {
        items.push(await attempt(body.slice(b.start, b.end)));
      } catch (error) {
        const reason = (error as Error).message ?? String(error);
        try {
          items.push(await attempt(sanitiseItem(body.slice(b.start, b.end))));
          itemErrors.push({ index, guid: guessGuid(body.slice(b.start, b.end)), reason, recovered: true });
        } catch {
          itemErrors.push({ index, guid: guessGuid(body.slice(b.start, b.end)), reason, recovered: false });
        }
      }
    }
    itemErrors.push(...itemsBeyondLimit(blocks.length, maxItems));
    return { kind: 'ok', format, title, items, itemErrors };
  }
}
