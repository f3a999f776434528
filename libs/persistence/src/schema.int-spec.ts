import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '@fed/testing';
import { describeSchema, SCHEMA_FILE } from './schema';

describe('the schema as the migrations leave it', () => {
  it('is the one libs/persistence/schema.sql shows (else: npm run schema)', async () => {
    const url = await createTestDatabase('schema');
    const ds = new DataSource({ type: 'postgres', url });
    await ds.initialize();
    try {
      const actual = await describeSchema(ds);
      expect(actual).toContain('CREATE OR REPLACE FUNCTION public.stats_after_delete()');
      expect(actual).toEqual(readFileSync(join(__dirname, '../../..', SCHEMA_FILE), 'utf8'));
    } finally {
      await ds.destroy();
    }
  });
});
