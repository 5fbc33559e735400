import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 11.3: a responder's unsent reply is kept on the server per user and issue (note_drafts), so it
 * survives a reload and follows them to another device. Issue 11.4: saved replies (GitLab's comment
 * templates), personal (user_id) or shared in a project (project_id), each name unique per owner.
 */
export class DraftsSavedReplies1765001300700 implements MigrationInterface {
  name = "DraftsSavedReplies1765001300700";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "note_drafts" (
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "issue_id" integer NOT NULL REFERENCES "issues" ("id") ON DELETE CASCADE,
      "body" text NOT NULL,
      "internal" boolean NOT NULL DEFAULT false,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_note_drafts" PRIMARY KEY ("user_id", "issue_id")
    )`);
    await q.query(`CREATE TABLE "saved_replies" (
      "id" SERIAL NOT NULL,
      "user_id" integer REFERENCES "users" ("id") ON DELETE CASCADE,
      "project_id" integer REFERENCES "projects" ("id") ON DELETE CASCADE,
      "name" text NOT NULL,
      "content" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_saved_replies" PRIMARY KEY ("id"),
      CONSTRAINT "CHK_saved_replies_owner" CHECK (("user_id" IS NULL) <> ("project_id" IS NULL))
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_saved_replies_user_name" ON "saved_replies" ("user_id", lower("name")) WHERE "user_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_saved_replies_project_name" ON "saved_replies" ("project_id", lower("name")) WHERE "project_id" IS NOT NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "saved_replies"`);
    await q.query(`DROP TABLE "note_drafts"`);
  }
}
