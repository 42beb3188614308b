import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/advisories/index';

describe('htmlToText', () => {
  describe('when given the HTML a blog feed carries in CDATA', () => {
    it('keeps the text, decodes entities and drops tags, scripts and comments', () => {
      const html =
        '<p>Root&nbsp;YE &amp; Root YR &#8212; see <a href="/certs/">the list</a>.</p><!-- hidden --><script>alert("x")</script><p>Caf&eacute; &#x2713;</p>';
      expect(htmlToText(html)).toBe('Root YE & Root YR — see the list.\n\nCaf&eacute; ✓');
    });

    it('keeps line breaks from <br> and <pre> so PEM blocks stay readable, but not from inline <code>', () => {
      expect(htmlToText('<pre>-----BEGIN CERTIFICATE-----<br>MIIB<br>-----END CERTIFICATE-----</pre>')).toBe(
        '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      );
      expect(htmlToText('<p>Fingerprint: <code>AB:CD</code>.</p>')).toBe('Fingerprint: AB:CD.');
    });
  });
});
