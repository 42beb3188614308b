import { describe, expect, it } from 'vitest';
import { classifyHost, isPrivateHost, publicHttpOnly } from '../../src/advisories/index';

const hostOf = (url: string) => new URL(url).hostname;

describe('classifyHost', () => {
  describe('when the host is a literal address or a local name', () => {
    it.each([
      ['localhost', 'loopback'],
      ['api.localhost', 'loopback'],
      ['127.0.0.1', 'loopback'],
      ['127.255.3.4', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.10', 'private'],
      ['100.64.0.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['[::1]', 'loopback'],
      ['::', 'unspecified'],
      ['[fc00::1]', 'private'],
      ['fd12:3456:789a::1', 'private'],
      ['[fe80::1%eth0]', 'link-local'],
      ['febf::1', 'link-local'],
      ['[::ffff:127.0.0.1]', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['[2002:7f00:1::1]', 'loopback'],
      ['2002:a9fe:a9fe::', 'link-local'],
      ['2002:c0a8:0101::1', 'private'],
      ['[2001:0:4136:e378:8000:63bf:3fff:fdd2]', 'reserved'],
      ['64:ff9b:1::a00:1', 'reserved'],
      ['100::1', 'reserved'],
      ['::ffff:0:127.0.0.1', 'loopback'],
      ['198.18.0.1', 'reserved'],
      ['203.0.113.7', 'reserved'],
      ['printer.local', 'link-local'],
      ['intranet', 'private'],
    ])('%s is %s', (host, scope) => {
      expect(classifyHost(host).scope).toBe(scope);
      expect(isPrivateHost(host)).toBe(true);
    });
  });

  describe('when the host is public', () => {
    it.each([
      'letsencrypt.org',
      '8.8.8.8',
      '172.32.0.1',
      '192.169.0.1',
      '[2606:4700::6810:85e5]',
      '2002:808:808::1',
      'fec0.example.com',
    ])('%s is public', (host) => {
      expect(classifyHost(host).scope).toBe('public');
      expect(isPrivateHost(host)).toBe(false);
    });
  });

  describe('when the host is in a special-purpose range the hand-written ranges missed', () => {
    it.each([
      ['192.88.99.1', 'reserved'], // 6to4 relay anycast (RFC 7526)
      ['3fff::1', 'reserved'], // documentation (RFC 9637)
      ['5f00::1', 'reserved'], // segment routing SIDs (RFC 9602)
      ['2001:2::1', 'reserved'], // benchmarking (RFC 5180)
      ['2001:20::1', 'reserved'], // ORCHIDv2 (RFC 7343)
    ])('%s is %s', (host, scope) => {
      expect(classifyHost(host).scope).toBe(scope);
    });
  });

  describe('when an IPv6 form carries an IPv4 address', () => {
    it.each([
      ['::127.0.0.1', 'loopback'], // IPv4-compatible (deprecated)
      ['64:ff9b::7f00:1', 'loopback'], // NAT64
      ['64:ff9b::808:808', 'public'],
    ])('%s is %s', (host, scope) => {
      expect(classifyHost(host).scope).toBe(scope);
    });
  });

  describe('when an IPv4 literal is not in dotted decimal (given straight, not through the URL parser)', () => {
    it.each([
      ['2130706433', 'loopback'],
      ['0x7f.1', 'loopback'],
      ['0177.0.0.1', 'loopback'],
      ['127.1', 'loopback'],
      ['0xa9fea9fe', 'link-local'],
    ])('%s is %s', (host, scope) => {
      expect(classifyHost(host).scope).toBe(scope);
    });

    it('refuses a dotted quad with leading zeros when either reading is not public', () => {
      // 010.0.0.1: 8.0.0.1 to inet_aton, 10.0.0.1 to a decimal reader
      expect(isPrivateHost('010.0.0.1')).toBe(true);
      expect(isPrivateHost('08.8.8.8')).toBe(false);
    });
  });

  describe('when the URL parser normalises odd IPv4 spellings', () => {
    it('still sees loopback in decimal, hex and short forms', () => {
      for (const url of [
        'http://2130706433/',
        'http://0x7f.1/',
        'http://127.1/',
        'http://[::ffff:7f00:1]/',
      ]) {
        expect(isPrivateHost(hostOf(url))).toBe(true);
      }
    });
  });
});

describe('publicHttpOnly', () => {
  describe('when checking whole URLs', () => {
    it('allows public http(s) and refuses other schemes, credentials and private hosts', () => {
      expect(publicHttpOnly(new URL('https://letsencrypt.org/feed.xml'))).toBe(true);
      expect(publicHttpOnly(new URL('http://vendor.example.com/feed.xml'))).toBe(true);
      expect(publicHttpOnly(new URL('ftp://vendor.example.com/feed.xml'))).toBe(false);
      expect(publicHttpOnly(new URL('https://user:pw@vendor.example.com/feed.xml'))).toBe(false);
      expect(publicHttpOnly(new URL('http://127.0.0.1:8787/feed.xml'))).toBe(false);
      expect(publicHttpOnly(new URL('http://[::1]/feed.xml'))).toBe(false);
    });
  });
});
