/** One entry of a feed, whatever its format (RSS 2.0, Atom, CSAF ROLIE JSON), as plain data. */
export interface FeedEnclosure {
  url: string;
  type: string | null;
  length: number | null;
}

export interface FeedItem {
  /** RSS `<guid>`, Atom `<id>`, ROLIE `id`; falls back to the link, then to the title and date. */
  guid: string;
  title: string;
  link: string | null;
  /** ISO 8601, or null when the item has no date or an unreadable one. */
  published: string | null;
  /** Plain text: HTML (also inside CDATA) reduced to its text, entities decoded. */
  content: string;
  /** Every URL the item links to: its own links (Atom `<link>`, ROLIE `link[]`) and `href`s in the HTML. */
  links: string[];
  enclosures: FeedEnclosure[];
}

export type FeedFormat = 'rss' | 'atom' | 'rolie';

/** An item that could not be read; the rest of the feed is still returned. */
export interface ItemParseError {
  /** Position of the item in the document (0-based). */
  index: number;
  /** The guid/id if it could be read. */
  guid: string | null;
  reason: string;
}

export type ParseFeedResult =
  | {
      kind: 'ok';
      format: FeedFormat;
      title: string | null;
      items: FeedItem[];
      /** Items that were dropped, or kept only after sanitising (then `recovered` is true). */
      itemErrors: (ItemParseError & { recovered: boolean })[];
    }
  | { kind: 'error'; reason: string };

/** The `itemErrors` entry for items beyond a feed's item limit. */
export function itemsBeyondLimit(total: number, max: number): (ItemParseError & { recovered: boolean })[] {
  return total > max
    ? [
        {
          index: max,
          guid: null,
          reason: `${total - max} more item(s) not read (limit ${max})`,
          recovered: false,
        },
      ]
    : [];
}
