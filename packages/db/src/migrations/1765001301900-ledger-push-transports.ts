import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3: the mail health shows when the SMTP listener and the webhook last stored a message. Walking
 * the ledger's primary key back to the newest row of a transport read every row when that transport was
 * never used (an IMAP-only deployment) on every look at the cockpit. This index holds only the rows those
 * two transports stored, so the newest is one descent; mail read from mailboxes does not pay for it.
 */
export class LedgerPushTransports1765001301900 implements MigrationInterface {
  name = "LedgerPushTransports1765001301900";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX "idx_inbound_emails_push_transport" ON "inbound_emails" ("transport", "id") WHERE "transport" IN ('smtp', 'webhook')`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_push_transport"`);
  }
}
