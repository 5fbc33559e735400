import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3: the ledger's Message-ID index carries the row's id, so "the earliest (or latest) email with
 * this Message-ID" is one descent of the index whatever the planner knows of the ledger. With the
 * Message-ID alone, a planner without fresh statistics (a new install's first minutes of a flood) read the
 * whole ledger: joined to a batch, once per batch (224 µs per message after 8,000 messages); looked up per
 * message in id order, by walking the primary key (966 µs per message), and so did the participant-name
 * lookup (latest first).
 */
export class LedgerMessageIdOrder1765001301800 implements MigrationInterface {
  name = "LedgerMessageIdOrder1765001301800";

  async up(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_message_id"`);
    await q.query(
      `CREATE INDEX "idx_inbound_emails_message_id" ON "inbound_emails" ("message_id", "id") WHERE "message_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_message_id"`);
    await q.query(
      `CREATE INDEX "idx_inbound_emails_message_id" ON "inbound_emails" ("message_id") WHERE "message_id" IS NOT NULL`,
    );
  }
}
