import { and, eq, isNull } from 'drizzle-orm';
import type { ApiToken, TokenRepository, TokenRole } from '../trust';
import { writeAudited } from './audited-write';
import type { Database } from './database';
import { tokens } from './schema';

type TokenRow = typeof tokens.$inferSelect;

const toToken = (row: TokenRow): ApiToken => ({ ...row, role: row.role as TokenRole });

export function createTokenRepository(db: Database): TokenRepository {
  return {
    async findBySecretHash(secretHash) {
      const rows = await db.select().from(tokens).where(eq(tokens.secretHash, secretHash)).limit(1);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async get(id) {
      const rows = await db.select().from(tokens).where(eq(tokens.id, id)).limit(1);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async getByName(name) {
      const rows = await db.select().from(tokens).where(eq(tokens.name, name)).limit(1);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async list() {
      return (await db.select().from(tokens).orderBy(tokens.createdAt, tokens.name)).map(toToken);
    },
    async insert(token) {
      await db.insert(tokens).values(token);
    },
    async insertAudited(token, entry) {
      await writeAudited(db, db.insert(tokens).values(token).returning({ id: tokens.id }), entry);
    },
    async revokeAudited(id, at, entry) {
      return writeAudited(
        db,
        db
          .update(tokens)
          .set({ revokedAt: at })
          .where(and(eq(tokens.id, id), isNull(tokens.revokedAt)))
          .returning({ id: tokens.id }),
        entry,
      );
    },
    async revoke(id, at) {
      const result = await db
        .update(tokens)
        .set({ revokedAt: at })
        .where(and(eq(tokens.id, id), isNull(tokens.revokedAt)))
        .returning({ id: tokens.id });
      return result.length === 1;
    },
  };
}
