import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10.1: what is waiting for the team. Each issue knows when the customer last wrote, when the team
 * first and last answered publicly, and since when a customer message has been waiting for an answer
 * (null: nothing waits); each user's read mark per issue (issue_reads). Backfilled from the notes. A reply
 * to a closed ticket reopens it by default in new projects (existing settings are kept).
 */
export class WaitingState1765001300800 implements MigrationInterface {
  name = "WaitingState1765001300800";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "issues"
      ADD "last_customer_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      ADD "awaiting_reply_since" TIMESTAMP WITH TIME ZONE,
      ADD "first_team_reply_at" TIMESTAMP WITH TIME ZONE,
      ADD "last_team_reply_at" TIMESTAMP WITH TIME ZONE`);
    // Customer messages are public notes with an external author; team replies are public notes by people.
    await q.query(`WITH customer AS (
        SELECT issue_id, max(created_at) AS last_at FROM notes
         WHERE external_author IS NOT NULL AND NOT internal AND NOT system GROUP BY issue_id
      ), team AS (
        SELECT n.issue_id, min(n.created_at) AS first_at, max(n.created_at) AS last_at FROM notes n
          JOIN users u ON u.id = n.author_id
         WHERE n.external_author IS NULL AND NOT n.internal AND NOT n.system AND u.user_type = 'human'
         GROUP BY n.issue_id
      )
      UPDATE issues i SET
        last_customer_activity_at = greatest(i.created_at, coalesce(c.last_at, i.created_at)),
        first_team_reply_at = t.first_at,
        last_team_reply_at = t.last_at,
        awaiting_reply_since = CASE
          WHEN i.external_author IS NULL THEN NULL
          WHEN t.last_at IS NULL THEN i.created_at
          WHEN coalesce(c.last_at, i.created_at) > t.last_at THEN coalesce(
            (SELECT min(n.created_at) FROM notes n WHERE n.issue_id = i.id AND n.external_author IS NOT NULL
               AND NOT n.internal AND NOT n.system AND n.created_at > t.last_at), i.created_at)
          ELSE NULL END
      FROM issues i2 LEFT JOIN customer c ON c.issue_id = i2.id LEFT JOIN team t ON t.issue_id = i2.id
      WHERE i2.id = i.id`);
    await q.query(
      `CREATE INDEX "idx_issues_project_state_customer_activity" ON "issues" ("project_id", "state", "last_customer_activity_at")`,
    );
    await q.query(
      `CREATE INDEX "idx_issues_project_needs_reply" ON "issues" ("project_id", "last_customer_activity_at") WHERE "awaiting_reply_since" IS NOT NULL`,
    );
    await q.query(`CREATE TABLE "issue_reads" (
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "issue_id" integer NOT NULL REFERENCES "issues" ("id") ON DELETE CASCADE,
      "read_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_issue_reads" PRIMARY KEY ("user_id", "issue_id")
    )`);
    await q.query(
      `ALTER TABLE "service_desk_settings" ALTER COLUMN "reopen_issue_on_external_participant_note" SET DEFAULT true`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(
      `ALTER TABLE "service_desk_settings" ALTER COLUMN "reopen_issue_on_external_participant_note" SET DEFAULT false`,
    );
    await q.query(`DROP TABLE "issue_reads"`);
    await q.query(`DROP INDEX "idx_issues_project_needs_reply"`);
    await q.query(`DROP INDEX "idx_issues_project_state_customer_activity"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "last_customer_activity_at", DROP COLUMN "awaiting_reply_since",
      DROP COLUMN "first_team_reply_at", DROP COLUMN "last_team_reply_at"`);
  }
}
