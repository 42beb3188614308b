import { describe, expect, it } from 'vitest';
import { ConfigError, readNodeConfig, readWorkerConfig, WORKER_SETTINGS } from '../src/config';

/** The Workers reader with its log captured. */
function workerConfig(env: Record<string, unknown>) {
  const logged: string[] = [];
  const config = readWorkerConfig(env, (line) => logged.push(line));
  return { config, logged };
}

describe('readNodeConfig', () => {
  describe('when ADMIN_TOKEN and REQUIRE_VERIFY_TOKEN are unset', () => {
    it('has no bootstrap admin and leaves /verify open', () => {
      expect(readNodeConfig({})).toMatchObject({ adminToken: undefined, requireVerifyToken: false });
    });
  });

  describe('when they are set', () => {
    it('reads them', () => {
      const config = readNodeConfig({
        ADMIN_TOKEN: ' a-long-enough-admin-token ',
        REQUIRE_VERIFY_TOKEN: 'TRUE',
      });
      expect(config).toMatchObject({ adminToken: 'a-long-enough-admin-token', requireVerifyToken: true });
    });
  });

  describe('when they are malformed', () => {
    it('refuses to start rather than run with a weak or misread setting', () => {
      expect(() => readNodeConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
      expect(() => readNodeConfig({ ADMIN_TOKEN: 'has a space in the middle' })).toThrow(/ADMIN_TOKEN/);
      expect(() => readNodeConfig({ REQUIRE_VERIFY_TOKEN: 'yes' })).toThrow(/REQUIRE_VERIFY_TOKEN/);
    });
  });

  describe('when the escalation flood limits are unset', () => {
    it('opens at most 5 new unknown-root cases per vendor per hour', () => {
      expect(readNodeConfig({})).toMatchObject({
        escalationNewCasesPerVendor: 5,
        escalationWindowSeconds: 3600,
      });
    });
  });

  describe('when the escalation flood limits are set', () => {
    it('reads them, and refuses values outside their bounds', () => {
      expect(
        readNodeConfig({ ESCALATION_NEW_CASES_PER_VENDOR: '12', ESCALATION_WINDOW_SECONDS: '600' }),
      ).toMatchObject({ escalationNewCasesPerVendor: 12, escalationWindowSeconds: 600 });
      expect(() => readNodeConfig({ ESCALATION_NEW_CASES_PER_VENDOR: '0' })).toThrow(
        /ESCALATION_NEW_CASES_PER_VENDOR/,
      );
      expect(() => readNodeConfig({ ESCALATION_WINDOW_SECONDS: 'an hour' })).toThrow(
        /ESCALATION_WINDOW_SECONDS/,
      );
    });
  });

  describe('when nothing is set', () => {
    it('has the documented defaults, paths left to the Node adapter', () => {
      expect(readNodeConfig({})).toEqual({
        adminToken: undefined,
        requireVerifyToken: false,
        publicUrl: 'http://localhost:8787',
        escalationWebhookUrl: undefined,
        escalationWebhookSecret: undefined,
        logRequests: true,
        feedsPerTick: 10,
        feedsConcurrency: 4,
        port: 8787,
        host: '127.0.0.1',
        databaseUrl: undefined,
        trustStoreDir: undefined,
        playbooksDir: undefined,
        crlFetch: true,
        ocspFetch: true,
        feedsAllowPrivate: false,
        feedsTickSeconds: 60,
        escalationNewCasesPerVendor: 5,
        escalationWindowSeconds: 3600,
        maxConnections: 256,
        headersTimeoutSeconds: 20,
        requestTimeoutSeconds: 3600,
        idleTimeoutSeconds: 30,
        keepAliveTimeoutSeconds: 5,
        maxBufferedMib: 512,
        maxConcurrentVerifications: 8,
        maxQueuedVerifications: 64,
        statsLogSeconds: 0,
        shutdownGraceSeconds: 10,
      });
    });
  });

  describe('when PORT is set and PUBLIC_URL is not', () => {
    it('links checklists to localhost on that port', () => {
      expect(readNodeConfig({ PORT: '9000' })).toMatchObject({
        port: 9000,
        publicUrl: 'http://localhost:9000',
      });
    });
  });

  describe('when LOG_REQUESTS says false or 0', () => {
    it('turns the request log off (anything else leaves it on)', () => {
      expect(readNodeConfig({ LOG_REQUESTS: 'false' }).logRequests).toBe(false);
      expect(readNodeConfig({ LOG_REQUESTS: '0' }).logRequests).toBe(false);
      expect(readNodeConfig({ LOG_REQUESTS: 'true' }).logRequests).toBe(true);
      expect(readWorkerConfig({ LOG_REQUESTS: false }, () => {}).logRequests).toBe(false);
    });
  });

  describe('when CRL_FETCH or OCSP_FETCH say false or 0', () => {
    it('turns that fetch off, and anything else leaves it on', () => {
      expect(readNodeConfig({ CRL_FETCH: 'FALSE', OCSP_FETCH: '0' })).toMatchObject({
        crlFetch: false,
        ocspFetch: false,
      });
      expect(readNodeConfig({ CRL_FETCH: 'yes', OCSP_FETCH: 'true' })).toMatchObject({
        crlFetch: true,
        ocspFetch: true,
      });
    });
  });

  describe('when the header deadline is longer than the request deadline', () => {
    it('refuses it, unless the request deadline is off (0)', () => {
      expect(() => readNodeConfig({ HEADERS_TIMEOUT_SECONDS: '30', REQUEST_TIMEOUT_SECONDS: '10' })).toThrow(
        'HEADERS_TIMEOUT_SECONDS must not be over REQUEST_TIMEOUT_SECONDS',
      );
      expect(readNodeConfig({ HEADERS_TIMEOUT_SECONDS: '30', REQUEST_TIMEOUT_SECONDS: '0' })).toMatchObject({
        headersTimeoutSeconds: 30,
        requestTimeoutSeconds: 0,
      });
    });
  });

  describe('when ESCALATION_WEBHOOK_SECRET is set', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    it('reads a whsec_ secret, or several separated by spaces (rotation)', () => {
      expect(readNodeConfig({ ESCALATION_WEBHOOK_SECRET: ` ${secret} ` }).escalationWebhookSecret).toBe(
        secret,
      );
      const two = `${secret} whsec_${'A'.repeat(44)}`;
      expect(readNodeConfig({ ESCALATION_WEBHOOK_SECRET: two }).escalationWebhookSecret).toBe(two);
    });

    it('refuses to start with a malformed one, saying why without quoting it', () => {
      let thrown: unknown;
      try {
        readNodeConfig({ ESCALATION_WEBHOOK_SECRET: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems).toEqual([
        'ESCALATION_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes (several separated by spaces while rotating): the secret does not start with whsec_',
      ]);
      expect(() => readNodeConfig({ ESCALATION_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toThrow(
        /ESCALATION_WEBHOOK_SECRET .*: the secret has 5 bytes/,
      );
    });
  });

  describe('when several settings are malformed', () => {
    it('lists every problem in one error, each with its variable and value', () => {
      let thrown: unknown;
      try {
        readNodeConfig({
          PORT: '70000',
          FEEDS_PER_TICK: 'many',
          ADMIN_TOKEN: 'short',
          FEEDS_ALLOW_PRIVATE: 'maybe',
        });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems.sort()).toEqual([
        'ADMIN_TOKEN must be 16 to 512 printable characters without spaces',
        'FEEDS_ALLOW_PRIVATE must be true or false, got maybe',
        'FEEDS_PER_TICK must be an integer from 1 to 1000, got many',
        'PORT must be a port number, got 70000',
      ]);
    });
  });
});

describe('readWorkerConfig', () => {
  describe('when nothing is set', () => {
    it('reads only the Workers settings, with the Node defaults, and logs nothing', () => {
      const { config, logged } = workerConfig({});
      expect(config).toEqual({
        adminToken: undefined,
        requireVerifyToken: false,
        publicUrl: 'http://localhost:8787',
        escalationWebhookUrl: undefined,
        escalationWebhookSecret: undefined,
        logRequests: true,
        feedsPerTick: 10,
        feedsConcurrency: 4,
      });
      expect(Object.keys(config).sort()).toEqual([...WORKER_SETTINGS].sort());
      expect(logged).toEqual([]);
    });
  });

  describe('when the settings are well formed', () => {
    it('reads them as Node does', () => {
      const env = {
        ADMIN_TOKEN: ' a-long-enough-admin-token ',
        REQUIRE_VERIFY_TOKEN: '1',
        PUBLIC_URL: ' https://trustgate.example ',
        FEEDS_PER_TICK: '25',
        FEEDS_CONCURRENCY: '2',
        ESCALATION_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      };
      const { config, logged } = workerConfig(env);
      expect(config).toMatchObject({
        adminToken: 'a-long-enough-admin-token',
        requireVerifyToken: true,
        publicUrl: 'https://trustgate.example',
        escalationWebhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        feedsPerTick: 25,
        feedsConcurrency: 2,
      });
      expect(readNodeConfig(env)).toMatchObject(config);
      expect(logged).toEqual([]);
    });
  });

  describe('when ADMIN_TOKEN is malformed', () => {
    it('disables the bootstrap admin and says so', () => {
      const { config, logged } = workerConfig({ ADMIN_TOKEN: 'short' });
      expect(config.adminToken).toBeUndefined();
      expect(logged).toEqual([
        'ADMIN_TOKEN must be 16 to 512 printable characters without spaces: bootstrap admin disabled',
      ]);
    });
  });

  describe('when ESCALATION_WEBHOOK_SECRET is malformed', () => {
    it('sends escalation webhooks unsigned and says so, without quoting the secret', () => {
      const { config, logged } = workerConfig({ ESCALATION_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' });
      expect(config.escalationWebhookSecret).toBeUndefined();
      expect(logged).toEqual([
        'ESCALATION_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes (several separated by spaces while rotating): the secret has 5 bytes: escalation webhooks sent unsigned',
      ]);
    });
  });

  describe('when REQUIRE_VERIFY_TOKEN is malformed', () => {
    it('requires tokens (a typo must not open /verify) and says so', () => {
      const { config, logged } = workerConfig({ REQUIRE_VERIFY_TOKEN: 'ture' });
      expect(config.requireVerifyToken).toBe(true);
      expect(logged).toEqual(['REQUIRE_VERIFY_TOKEN must be true or false, got ture: requiring tokens']);
    });
  });

  describe('when the feed numbers are out of range', () => {
    it('uses their defaults, keeps the well-formed settings, and logs each fallback', () => {
      const { config, logged } = workerConfig({
        FEEDS_PER_TICK: '0',
        FEEDS_CONCURRENCY: 'lots',
        ADMIN_TOKEN: 'a-long-enough-admin-token',
      });
      expect(config).toMatchObject({
        feedsPerTick: 10,
        feedsConcurrency: 4,
        adminToken: 'a-long-enough-admin-token',
      });
      expect(logged.sort()).toEqual([
        'FEEDS_CONCURRENCY must be an integer from 1 to 64, got lots: using 4',
        'FEEDS_PER_TICK must be an integer from 1 to 1000, got 0: using 10',
      ]);
    });
  });

  describe('when Node-only settings are set', () => {
    it('ignores them, even malformed', () => {
      const { config, logged } = workerConfig({ PORT: 'none', CRL_FETCH: 'false', FEEDS_TICK_SECONDS: '-1' });
      expect(config).not.toHaveProperty('port');
      expect(config).not.toHaveProperty('crlFetch');
      expect(logged).toEqual([]);
    });
  });

  describe('when REQUIRE_VERIFY_TOKEN is an unquoted [vars] value (a JSON boolean or number)', () => {
    it('reads true and 1 as requiring tokens, and only an explicit false as open', () => {
      expect(workerConfig({ REQUIRE_VERIFY_TOKEN: true }).config.requireVerifyToken).toBe(true);
      expect(workerConfig({ REQUIRE_VERIFY_TOKEN: 1 }).config.requireVerifyToken).toBe(true);
      expect(workerConfig({ REQUIRE_VERIFY_TOKEN: false }).config.requireVerifyToken).toBe(false);
      expect(workerConfig({ FEEDS_PER_TICK: 5 }).config.feedsPerTick).toBe(5);
    });
  });

  // Regression: a non-text binding was read as unset, so `REQUIRE_VERIFY_TOKEN = true` (unquoted) left
  // /verify open without a word.
  describe('when a setting is not text at all (an object, a binding)', () => {
    it('falls back closed and says so: tokens required, bootstrap admin disabled', () => {
      const { config, logged } = workerConfig({
        REQUIRE_VERIFY_TOKEN: { value: 'true' },
        ADMIN_TOKEN: { binding: 'D1' },
      });
      expect(config.requireVerifyToken).toBe(true);
      expect(config.adminToken).toBeUndefined();
      expect(logged).toHaveLength(2);
      expect(logged.find((line) => line.startsWith('REQUIRE_VERIFY_TOKEN'))).toMatch(/requiring tokens$/);
      expect(logged.find((line) => line.startsWith('ADMIN_TOKEN'))).toMatch(/bootstrap admin disabled$/);
    });

    it('is refused on Node', () => {
      expect(() => readNodeConfig({ REQUIRE_VERIFY_TOKEN: { value: 'false' } })).toThrow(
        /REQUIRE_VERIFY_TOKEN/,
      );
    });
  });
});
