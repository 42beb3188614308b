import { codeSpan, escapeMarkdown, neutralise } from './markdown-escape';
import type { Escaper } from './template';

/** For Markdown documents and step details: untrusted text is escaped, code becomes a code span. */
export const markdownEscaper: Escaper = {
  text: escapeMarkdown,
  code: codeSpan,
  raw: (value) => value,
};

/** For plain-text fields (checklist titles in JSON): one line, no controls, nothing escaped. */
export const plainEscaper: Escaper = {
  text: neutralise,
  code: neutralise,
  raw: (value) => value,
};
