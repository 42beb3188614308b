import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../src/encoding');

describe('src/encoding', () => {
  describe('when its imports are read', () => {
    it('imports only its own files, so every pure domain folder may import it', () => {
      const offending: string[] = [];
      for (const file of readdirSync(DIR, { recursive: true }).map(String)) {
        if (!file.endsWith('.ts')) continue;
        const source = readFileSync(join(DIR, file), 'utf8');
        for (const m of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
          if (!m[1]?.startsWith('./')) offending.push(`${file}: ${m[1]}`);
        }
      }
      expect(offending).toEqual([]);
    });

    it('uses no Node-only global', () => {
      for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
        const code = readFileSync(join(DIR, file), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '');
        expect(code, file).not.toMatch(/\b(Buffer|process|require)\b/);
      }
    });
  });
});
