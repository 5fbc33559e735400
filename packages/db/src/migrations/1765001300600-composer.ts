import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11: the composer. Uploads remember who uploaded them (a comment may attach only its author's own
 * unattached uploads); notes can be edited and deleted with their history kept (note_versions); a note's
 * emails are found by note, and keep the receiving server's answer (the edit warning and the per-recipient
 * delivery status in the thread).
 */
export class Composer1765001300600 implements MigrationInterface {
  name = "Composer1765001300600";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "attachments" ADD "uploaded_by_id" integer`);
    await q.query(`ALTER TABLE "notes"
      ADD "last_edited_at" TIMESTAMP WITH TIME ZONE, ADD "last_edited_by_id" integer,
      ADD "deleted_at" TIMESTAMP WITH TIME ZONE, ADD "deleted_by_id" integer`);
    await q.query(`CREATE TABLE "note_versions" (
      "id" SERIAL NOT NULL,
      "note_id" integer NOT NULL REFERENCES "notes" ("id") ON DELETE CASCADE,
      "body" text NOT NULL,
      "action" text NOT NULL CHECK ("action" IN ('edited', 'deleted')),
      "changed_by_id" integer,
      "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_note_versions" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE INDEX "idx_note_versions_note" ON "note_versions" ("note_id", "id")`);
    await q.query(
      `CREATE INDEX "idx_outbound_emails_note" ON "outbound_emails" ("note_id") WHERE "note_id" IS NOT NULL`,
    );
    await q.query(`ALTER TABLE "outbound_emails" ADD "server_response" text`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "outbound_emails" DROP COLUMN "server_response"`);
    await q.query(`DROP INDEX "idx_outbound_emails_note"`);
    await q.query(`DROP TABLE "note_versions"`);
    await q.query(`ALTER TABLE "notes" DROP COLUMN "last_edited_at", DROP COLUMN "last_edited_by_id",
      DROP COLUMN "deleted_at", DROP COLUMN "deleted_by_id"`);
    await q.query(`ALTER TABLE "attachments" DROP COLUMN "uploaded_by_id"`);
  }
}
