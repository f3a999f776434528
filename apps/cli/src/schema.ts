/**
 * npm run schema
 *
 * Migrates a scratch database on the PostgreSQL server of DATABASE_URL (default the local one), writes
 * the resulting schema to libs/persistence/schema.sql (tables, indexes, functions and triggers as they
 * now stand) and drops the scratch database. Run it after adding a migration; a test fails until then.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { describeSchema, MIGRATIONS, SCHEMA_FILE } from '@fed/persistence';

async function main(): Promise<void> {
  const server = (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').replace(
    /\/[^/]*$/,
    '',
  );
  const name = `fed_schema_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const ds = new DataSource({ type: 'postgres', url: `${server}/${name}`, migrations: MIGRATIONS });
    await ds.initialize();
    try {
      await ds.runMigrations();
      writeFileSync(SCHEMA_FILE, await describeSchema(ds));
    } finally {
      await ds.destroy();
    }
  } finally {
    await admin.query(`DROP DATABASE "${name}"`);
    await admin.end();
  }
  process.stdout.write(`${SCHEMA_FILE} written\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
