import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13.3: each inbound message's sender authentication and spam score (screen.ts), and a project's
 * spam threshold (null: the spam checker's own).
 */
export class Screening1765001300500 implements MigrationInterface {
  name = "Screening1765001300500";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "inbound_emails" ADD "screening" jsonb`);
    await q.query(`ALTER TABLE "service_desk_settings" ADD "spam_threshold" real`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "service_desk_settings" DROP COLUMN "spam_threshold"`);
    await q.query(`ALTER TABLE "inbound_emails" DROP COLUMN "screening"`);
  }
}
