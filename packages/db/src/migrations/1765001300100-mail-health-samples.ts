import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13.4: the mail-health cockpit's history. One row per 5-minute bucket for the instance (project_id 0)
 * and for each project with mail in it, written by the worker's sampler; kept 35 days. The two indexes let
 * the sampler count one bucket of mail without reading the rest.
 */
export class MailHealthSamples1765001300100 implements MigrationInterface {
  name = "MailHealthSamples1765001300100";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "mail_health_samples" (
      "bucket" TIMESTAMP WITH TIME ZONE NOT NULL,
      "project_id" integer NOT NULL DEFAULT 0,
      "received" integer NOT NULL DEFAULT 0,
      "rejected" integer NOT NULL DEFAULT 0,
      "quarantined" integer NOT NULL DEFAULT 0,
      "bounces" integer NOT NULL DEFAULT 0,
      "sent" integer NOT NULL DEFAULT 0,
      "failed" integer NOT NULL DEFAULT 0,
      "backlog" integer NOT NULL DEFAULT 0,
      "failing_mailboxes" integer NOT NULL DEFAULT 0,
      CONSTRAINT "PK_mail_health_samples" PRIMARY KEY ("project_id", "bucket")
    )`);
    await q.query(`CREATE INDEX "idx_inbound_emails_received_at" ON "inbound_emails" ("received_at")`);
    await q.query(`CREATE INDEX "idx_outbound_emails_status_updated" ON "outbound_emails" ("status", "updated_at")`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_outbound_emails_status_updated"`);
    await q.query(`DROP INDEX "idx_inbound_emails_received_at"`);
    await q.query(`DROP TABLE "mail_health_samples"`);
  }
}
