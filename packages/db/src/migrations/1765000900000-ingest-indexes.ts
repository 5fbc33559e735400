import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3: the ingest path's lookups stay O(1) in the size of the data.
 * - The per-sender limit counts a sender's issues of the last hour in a project: it read every issue of
 *   the project created in the last hour, filtering `lower(external_author)` without an index.
 * - "A different message reusing this Message-ID" (issue 15.4) looks messages up by Message-ID: without
 *   an index it scanned the whole ledger.
 */
export class IngestIndexes1765000900000 implements MigrationInterface {
  name = "IngestIndexes1765000900000";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_issues_project_sender_created" ON "issues" ("project_id", lower("external_author"), "created_at") WHERE "external_author" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_inbound_emails_message_id" ON "inbound_emails" ("message_id") WHERE "message_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX IF EXISTS "idx_inbound_emails_message_id"`);
    await q.query(`DROP INDEX IF EXISTS "idx_issues_project_sender_created"`);
  }
}
