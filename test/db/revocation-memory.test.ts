import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRevocationMemory, type Database } from '../../src/db';
import { openLibsqlDatabase } from '../../src/db/libsql';
import type { KnownRevocation, RevocationMemory } from '../../src/verify/revocation-memory';
import { MIGRATIONS } from '../helpers/test-app';

const FIRST = new Date('2026-06-01T00:00:00Z');
const LATER = new Date('2026-07-01T00:00:00Z');
const ISSUER = '[["2.5.4.3=acme signing ca"]]';
const OTHER_ISSUER = '[["2.5.4.3=globex signing ca"]]';
const CRL_A = 'a'.repeat(64);
const CRL_B = 'b'.repeat(64);

const revocation = (serial: string, extra: Partial<KnownRevocation> = {}): KnownRevocation => ({
  issuer: ISSUER,
  serial,
  reasonCode: 1,
  revocationDate: new Date('2026-05-01T00:00:00Z'),
  evidenceSha256: CRL_A,
  ...extra,
});

let db: Database;
let close: () => void;
let clock = FIRST;
let memory: RevocationMemory;
beforeAll(async () => {
  ({ db, close } = await openLibsqlDatabase(':memory:', MIGRATIONS));
  memory = createRevocationMemory(db, () => clock);
});
afterAll(() => close());

describe('createRevocationMemory (libSQL)', () => {
  describe('when a revocation was remembered', () => {
    it('finds it by issuer and serial with its reason, date and evidence', async () => {
      await memory.remember([revocation('0a'), revocation('0b', { reasonCode: null })]);
      const found = await memory.find([{ issuer: ISSUER, serial: '0b' }]);
      expect(found).toEqual([revocation('0b', { reasonCode: null })]);
    });
    it('does not find the same serial under another issuer, nor an unknown serial', async () => {
      expect(
        await memory.find([
          { issuer: OTHER_ISSUER, serial: '0a' },
          { issuer: ISSUER, serial: 'ff' },
        ]),
      ).toEqual([]);
    });
  });

  describe('when the same revocation is remembered again', () => {
    it('keeps one row, first seen at the first time', async () => {
      clock = LATER;
      await memory.remember([revocation('0a'), revocation('0a')]);
      expect(await memory.find([{ issuer: ISSUER, serial: '0a' }])).toEqual([revocation('0a')]);
      const rows = await db.all<{ first_seen_at: string }>(
        sql`SELECT first_seen_at FROM known_revocations WHERE serial = '0a'`,
      );
      expect(rows).toEqual([{ first_seen_at: FIRST.toISOString() }]);
    });
  });

  describe('when another CRL shows the same certificate revoked', () => {
    it('keeps both pieces of evidence', async () => {
      await memory.remember([revocation('0a', { evidenceSha256: CRL_B, reasonCode: 4 })]);
      const found = await memory.find([{ issuer: ISSUER, serial: '0a' }]);
      expect(found.map((r) => [r.evidenceSha256, r.reasonCode]).sort()).toEqual([
        [CRL_A, 1],
        [CRL_B, 4],
      ]);
    });
  });

  describe('when a CRL of 20,000 entries is remembered', () => {
    it('finds every one of them, and remembering it again adds nothing', async () => {
      const big = Array.from({ length: 20_000 }, (_, i) =>
        revocation(`1${i.toString(16).padStart(6, '0')}`, { issuer: OTHER_ISSUER, evidenceSha256: CRL_B }),
      );
      await memory.remember(big);
      await memory.remember(big);
      const found = await memory.find(big.map((r) => ({ issuer: r.issuer, serial: r.serial })));
      expect(found).toHaveLength(20_000);
      expect(new Set(found.map((r) => r.serial))).toEqual(new Set(big.map((r) => r.serial)));
      const [count] = await db.all<{ n: number }>(
        sql`SELECT count(*) AS n FROM known_revocations WHERE issuer = ${OTHER_ISSUER}`,
      );
      expect(count?.n).toBe(20_000);
    });
  });

  describe('when nothing is asked or given', () => {
    it('finds nothing and writes nothing', async () => {
      expect(await memory.find([])).toEqual([]);
      await expect(memory.remember([])).resolves.toBeUndefined();
    });
  });
});
