import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13.4: the canary. Each probe Tidings mails to a Service Desk address through the outbound path is
 * a row here; its arrival through the inbound path is recorded on it, and an overdue one raises an alert
 * once.
 */
export class MailCanaries1765001300400 implements MigrationInterface {
  name = "MailCanaries1765001300400";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "mail_canaries" (
      "id" SERIAL NOT NULL,
      "project_id" integer NOT NULL,
      "token" text NOT NULL,
      "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "arrived_at" TIMESTAMP WITH TIME ZONE,
      "alerted_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_mail_canaries" PRIMARY KEY ("id"),
      CONSTRAINT "uq_mail_canaries_token" UNIQUE ("token")
    )`);
    await q.query(`CREATE INDEX "idx_mail_canaries_queued" ON "mail_canaries" ("queued_at")`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "mail_canaries"`);
  }
}
