import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/platform/node';

describe('configFromEnv (admin settings)', () => {
  describe('when ADMIN_TOKEN and REQUIRE_VERIFY_TOKEN are unset', () => {
    it('has no bootstrap admin and leaves /verify open', () => {
      expect(configFromEnv({})).toMatchObject({ adminToken: undefined, requireVerifyToken: false });
    });
  });

  describe('when they are set', () => {
    it('reads them', () => {
      const config = configFromEnv({
        ADMIN_TOKEN: ' a-long-enough-admin-token ',
        REQUIRE_VERIFY_TOKEN: 'TRUE',
      });
      expect(config).toMatchObject({ adminToken: 'a-long-enough-admin-token', requireVerifyToken: true });
    });
  });

  describe('when they are malformed', () => {
    it('refuses to start rather than run with a weak or misread setting', () => {
      expect(() => configFromEnv({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
      expect(() => configFromEnv({ ADMIN_TOKEN: 'has a space in the middle' })).toThrow(/ADMIN_TOKEN/);
      expect(() => configFromEnv({ REQUIRE_VERIFY_TOKEN: 'yes' })).toThrow(/REQUIRE_VERIFY_TOKEN/);
    });
  });
});
