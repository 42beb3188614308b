import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';

describe('the Node server started as `npm start` does', () => {
  let server: NpmStartedServer;

  beforeAll(async () => {
    server = await startWithNpm({ TRUST_STORE_DIR: FIXTURE_TRUST_STORE });
  }, 60_000);

  afterAll(() => server?.stop());

  describe('when it has started', () => {
    it('answers /health with 200 and says what it imported', async () => {
      expect((await fetch(`${server.base}/health`)).status).toBe(200);
      expect(server.output()).toMatch(/2 vendors created, \d+ roots added/);
    });
  });

  describe('when a pipeline posts a package and its signature over 127.0.0.1', () => {
    it('answers with the verdict', async () => {
      const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
      const form = new FormData();
      form.append('vendor', 'acme');
      form.append('signature', new Blob([readFixture(c.signature)]), 'pkg.zip.p7s');
      form.append('artifact', new Blob([readFixture(c.artifact)]), 'pkg.zip');
      const res = await fetch(`${server.base}/verify`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      const body = await res.json();
      // The real clock: the fixtures are valid from 2024 to 2034.
      expect(body.verdict).toBe('trusted');
    });
  });
});
