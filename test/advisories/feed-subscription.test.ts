import { describe, expect, it } from 'vitest';
import { anyHttpUrl, newFeedState } from '../../src/advisories/index';

describe('newFeedState', () => {
  describe('when the URL is a public http(s) URL', () => {
    it('returns an active feed with no validators and the fragment dropped', () => {
      expect(
        newFeedState({ id: 'f1', vendorId: 'isrg', url: ' https://letsencrypt.org/feed.xml#top ' }),
      ).toEqual({
        ok: true,
        feed: {
          id: 'f1',
          vendorId: 'isrg',
          url: 'https://letsencrypt.org/feed.xml',
          etag: null,
          lastModified: null,
          status: 'active',
          disabledReason: null,
          consecutiveFailures: 0,
          pollIntervalSeconds: null,
        },
      });
    });
  });

  describe('when the URL cannot be subscribed', () => {
    it('says why: not a URL, another scheme, or a private address', () => {
      expect(newFeedState({ id: 'f', vendorId: 'v', url: '/feed.xml' })).toMatchObject({
        ok: false,
        reason: 'invalid_url',
      });
      expect(newFeedState({ id: 'f', vendorId: 'v', url: 'file:///etc/passwd' })).toMatchObject({
        ok: false,
        reason: 'unsupported_scheme',
      });
      expect(newFeedState({ id: 'f', vendorId: 'v', url: 'http://169.254.169.254/latest' })).toMatchObject({
        ok: false,
        reason: 'url_not_allowed',
      });
    });

    it('accepts loopback when the deployment allows it', () => {
      expect(
        newFeedState({ id: 'f', vendorId: 'v', url: 'http://127.0.0.1:9/feed.xml' }, anyHttpUrl).ok,
      ).toBe(true);
    });
  });
});
