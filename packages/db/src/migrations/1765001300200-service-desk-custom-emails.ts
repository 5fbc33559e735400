import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13.2 (GitLab items 33–35): a project's own address (`support@customer-domain`) with the SMTP server
 * that sends as it. The username and password are sealed (AES-256-GCM, packages/core/src/secrets). One
 * address per project, unique in the instance.
 */
export class ServiceDeskCustomEmails1765001300200 implements MigrationInterface {
  name = "ServiceDeskCustomEmails1765001300200";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "service_desk_custom_emails" (
      "project_id" integer NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "custom_email" text NOT NULL,
      "smtp_host" text NOT NULL,
      "smtp_port" integer NOT NULL,
      "smtp_username_sealed" text NOT NULL,
      "smtp_password_sealed" text NOT NULL,
      "smtp_auth_method" text NOT NULL DEFAULT 'auto',
      "enabled" boolean NOT NULL DEFAULT false,
      "verification_state" text NOT NULL DEFAULT 'started',
      "verification_error" text,
      "verification_token" text,
      "verification_triggered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "verification_triggered_by" integer,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_service_desk_custom_emails" PRIMARY KEY ("project_id")
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_service_desk_custom_emails_address" ON "service_desk_custom_emails" (lower("custom_email"))`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "service_desk_custom_emails"`);
  }
}
