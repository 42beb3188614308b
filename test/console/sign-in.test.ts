import { afterEach, describe, expect, it } from 'vitest';
import { signInToConsole } from '../helpers/console-client';
import { createTestApp, TEST_ADMIN_TOKEN } from '../helpers/test-app';

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('console sign-in', () => {
  describe('when an admin signs in with the bootstrap token', () => {
    it('opens the overview with the six sections', async () => {
      const t = await createTestApp();
      close = t.close;
      const client = await signInToConsole(t.app, TEST_ADMIN_TOKEN);
      const html = await (await client.get('/console')).text();
      expect(html).toContain('<h1>Overview</h1>');
      for (const heading of ['Open escalation cases', 'Waiting for a second admin', 'Recent audit entries']) {
        expect(html).toContain(heading);
      }
    });
  });
});
