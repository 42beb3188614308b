import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema';

/** A drizzle database over libSQL (Node) or D1 (Workers): both are async SQLite with the same schema. */
// biome-ignore lint/suspicious/noExplicitAny: drizzle's run-result type differs between libSQL and D1
export type Database = BaseSQLiteDatabase<'async', any, typeof schema>;
