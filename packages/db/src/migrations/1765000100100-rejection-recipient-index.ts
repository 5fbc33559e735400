import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 9.9: rejection emails are limited per recipient and hour (a forged From must not turn Tidings
 * into a backscatter source). The count reads only this partial index, whatever the size of the outbox.
 */
export class RejectionRecipientIndex1765000100100 implements MigrationInterface {
  name = "RejectionRecipientIndex1765000100100";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_outbound_emails_rejection_recipient" ON "outbound_emails" (lower("to_address"), "created_at") WHERE "kind" = 'rejection'`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX IF EXISTS "idx_outbound_emails_rejection_recipient"`);
  }
}
