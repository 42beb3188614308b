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

describe('configFromEnv (escalation flood limits)', () => {
  describe('when unset', () => {
    it('opens at most 5 new unknown-root cases per vendor per hour', () => {
      expect(configFromEnv({})).toMatchObject({
        escalationNewCasesPerVendor: 5,
        escalationWindowSeconds: 3600,
      });
    });
  });

  describe('when set', () => {
    it('reads them, and refuses values outside their bounds', () => {
      expect(
        configFromEnv({ ESCALATION_NEW_CASES_PER_VENDOR: '12', ESCALATION_WINDOW_SECONDS: '600' }),
      ).toMatchObject({ escalationNewCasesPerVendor: 12, escalationWindowSeconds: 600 });
      expect(() => configFromEnv({ ESCALATION_NEW_CASES_PER_VENDOR: '0' })).toThrow(
        /ESCALATION_NEW_CASES_PER_VENDOR/,
      );
      expect(() => configFromEnv({ ESCALATION_WINDOW_SECONDS: 'an hour' })).toThrow(
        /ESCALATION_WINDOW_SECONDS/,
      );
    });
  });
});
