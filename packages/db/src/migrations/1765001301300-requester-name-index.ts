import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10.3: the issue list shows each requester's display name, read from the header block of the email
 * that opened the issue. This index finds those emails for a page of issues at once (and the thread's
 * envelope of the opening email) without reading the whole ledger.
 */
export class RequesterNameIndex1765001301300 implements MigrationInterface {
  name = "RequesterNameIndex1765001301300";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX "idx_inbound_emails_issue_opening" ON "inbound_emails" ("issue_id", "id") WHERE "note_id" IS NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_issue_opening"`);
  }
}
