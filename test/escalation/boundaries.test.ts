import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../src/escalation');
const FORBIDDEN = /from\s+'(hono|hono\/.*|drizzle-orm|drizzle-orm\/.*|node:.*|cloudflare:.*)'/g;

describe('src/escalation', () => {
  describe('when its imports are read', () => {
    it('imports neither hono, drizzle-orm, node:* nor cloudflare:*, and only its own files and ../encoding', () => {
      const offending: string[] = [];
      for (const file of readdirSync(DIR, { recursive: true }).map(String)) {
        if (!file.endsWith('.ts')) continue;
        const source = readFileSync(join(DIR, file), 'utf8');
        for (const m of source.matchAll(FORBIDDEN)) offending.push(`${file}: ${m[1]}`);
        for (const m of source.matchAll(/from\s+'([^']+)'/g)) {
          // src/encoding imports nothing outside itself (test/encoding/boundaries.test.ts).
          if (!m[1]?.startsWith('./') && m[1] !== '../encoding') offending.push(`${file}: ${m[1]}`);
        }
      }
      expect(offending).toEqual([]);
    });
  });
});
