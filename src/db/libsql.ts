import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Database } from './database';
import * as schema from './schema';

/** Opens (creating if needed) the embedded libSQL database and applies the migrations in `migrationsFolder`. */
export async function openLibsqlDatabase(
  url: string,
  migrationsFolder: string,
): Promise<{ db: Database; close: () => void }> {
  const client = createClient({ url });
  await client.execute('PRAGMA foreign_keys = ON');
  if (url.startsWith('file:')) await client.execute('PRAGMA journal_mode = WAL').catch(() => undefined);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Database, close: () => client.close() };
}
