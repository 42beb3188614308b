import { describe, expect, it } from 'vitest';
import { call } from './helpers';

describe('GET /ready at the edge', () => {
  describe('after the first request (D1 migrated, the bundled seed imported)', () => {
    it('answers 200 with every check ok', async () => {
      expect((await call('GET', '/health')).status).toBe(200);
      const res = await call('GET', '/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', seed: 'ok', playbooks: 'ok' },
      });
    });
  });
});
