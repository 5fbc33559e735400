import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 15.6: an outbox claim belongs to a live runner. `claimed_by` names the runner's session (the key of
 * the advisory lock its connection holds): when that connection dies, every claim it held is free at once.
 * `send_started_at` marks an attempt whose SMTP conversation began; a claim taken over after that counts in
 * `interrupted_sends` (the email may have reached the recipient twice). The partial index keeps the metric's
 * sum cheap whatever the size of the outbox.
 */
export class OutboxClaimSessions1765000500000 implements MigrationInterface {
  name = "OutboxClaimSessions1765000500000";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "outbound_emails" ADD "claimed_by" integer`);
    await q.query(`ALTER TABLE "outbound_emails" ADD "send_started_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbound_emails" ADD "interrupted_sends" integer NOT NULL DEFAULT '0'`);
    await q.query(
      `CREATE INDEX "idx_outbound_emails_interrupted" ON "outbound_emails" ("interrupted_sends") WHERE "interrupted_sends" > 0`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "public"."idx_outbound_emails_interrupted"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "interrupted_sends"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "send_started_at"`);
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "claimed_by"`);
  }
}
