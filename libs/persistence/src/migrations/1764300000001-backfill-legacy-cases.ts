import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases stored before the lifecycle existed got an empty item and lifecycle. They become cases of
 * an unknown item (version 0, decided where filed) with a lifecycle that has not started, so the
 * lifecycle rules can read them; their query-code hash stays empty (no citizen lookup).
 */
export class BackfillLegacyCases1764300000001 implements MigrationInterface {
  name = 'BackfillLegacyCases1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE case_record SET lifecycle = jsonb_build_object(
        'acceptedAt', NULL, 'acceptedBy', NULL, 'rejectedAt', NULL, 'rejectedReason', NULL,
        'pauses', '[]'::jsonb, 'steps', '[]'::jsonb, 'handOffs', '[]'::jsonb,
        'decidedAt', NULL, 'decidedBy', NULL, 'outcome', NULL, 'result', NULL,
        'deliveredAt', NULL, 'deliveryMethod', NULL, 'withdrawnAt', NULL, 'withdrawnReason', NULL,
        'rating', NULL, 'rectification', NULL)
      WHERE lifecycle = '{}'::jsonb`);
    await q.query(`
      UPDATE case_record SET item = jsonb_build_object(
        'code', item_code, 'version', 0, 'name', item_code, 'department', '',
        'decidingTier', 'community', 'promisedDays', 0, 'legalDays', 1)
      WHERE item = '{}'::jsonb`);
  }

  async down(): Promise<void> {
    // The backfilled values are harmless under the previous schema version too.
  }
}
