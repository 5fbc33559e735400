import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10.3: saved views of the issue list — a name and the list's filters. A personal view belongs to a
 * user in a project (user_id set); a shared one to the project alone (user_id NULL). A name is unique per
 * owner, case-insensitively: two partial indexes on lower(name), which also serve the per-project listing.
 */
export class SavedViews1765001301100 implements MigrationInterface {
  name = "SavedViews1765001301100";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "saved_views" (
      "id" SERIAL NOT NULL,
      "project_id" integer NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "user_id" integer REFERENCES "users" ("id") ON DELETE CASCADE,
      "name" text NOT NULL,
      "filters" jsonb NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_saved_views" PRIMARY KEY ("id")
    )`);
    await q.query(
      `CREATE UNIQUE INDEX "uq_saved_views_personal_name" ON "saved_views" ("project_id", "user_id", lower("name")) WHERE "user_id" IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_saved_views_shared_name" ON "saved_views" ("project_id", lower("name")) WHERE "user_id" IS NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "saved_views"`);
  }
}
