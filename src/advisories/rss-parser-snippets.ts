// @ts-expect-error rss-parser ships no types for its internals; 3.13.0 is pinned (see TOOLCHAIN.md).
import rssParserUtils from 'rss-parser/lib/utils.js';

/**
 * rss-parser makes a `contentSnippet` of every RSS description and Atom content with two backtracking
 * regexes (`stripHtml` in lib/utils.js, `(?:.|\n)*?>`) that take quadratic time on HTML of many short
 * lines such as `<br>` and a newline: 252 KB of them took 1.7-4 s, a 2 MiB feed would take minutes. A feed
 * is text whoever runs its server writes, and trustgate never reads the snippet (it reduces HTML to text
 * itself, in linear time: html-text.ts), so the snippet is made empty. parser.js looks the function up on
 * the shared utils module at each call, so replacing it here, once, is enough.
 */
(rssParserUtils as { getSnippet: (html: string) => string }).getSnippet = () => '';
