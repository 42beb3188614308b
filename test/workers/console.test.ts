import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/console/security-headers';
import { signInToConsole } from '../helpers/console-client';
import { call, createAdmin, testEnv } from './helpers';

/** The worker's `fetch` as the console client calls an app. */
const worker = { request: (url: string, init?: RequestInit) => exports.default.fetch(url, init) };

let carol: string;
beforeAll(async () => {
  expect((await call('GET', '/health')).status).toBe(200);
  carol = await createAdmin('carol-console');
});

describe('the console at the edge', () => {
  describe('when an admin signs in with a token', () => {
    it('opens a session kept in D1 and serves the overview under the strict CSP', async () => {
      const client = await signInToConsole(worker, carol);
      const res = await client.get('/console');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      const html = await res.text();
      expect(html).toContain('<h1>Overview</h1>');
      expect(html).toContain('carol-console');
    });

    it('shows the bootstrap admin’s work in the recent audit entries', async () => {
      const client = await signInToConsole(worker, testEnv.ADMIN_TOKEN ?? '');
      const html = await (await client.get('/console')).text();
      expect(html).toContain('token.create');
    });
  });

  describe('when a form comes without the CSRF token', () => {
    it('refuses it with 403 CSRF_REJECTED', async () => {
      const client = await signInToConsole(worker, carol);
      const res = await client.post('/console/sign-out', { _csrf: 'forged' });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('CSRF_REJECTED');
    });
  });

  describe('when there is no session', () => {
    it('sends the browser to sign in', async () => {
      const res = await exports.default.fetch('https://trustgate.test/console/approvals', {
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain('/console/sign-in?next=%2Fconsole%2Fapprovals');
    });
  });
});
