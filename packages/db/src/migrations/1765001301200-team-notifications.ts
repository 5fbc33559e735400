import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 10.2: notifications for the team. Each user's level per project (`watch`: every new ticket and
 * customer reply; `assigned`, the default when there is no row: only tickets assigned to them;
 * `disabled`: none), the in-app notifications behind the bell, and the team's own reply keys: a
 * notification email's reply key names the user it was sent to, whose reply becomes their comment.
 */
export class TeamNotifications1765001301200 implements MigrationInterface {
  name = "TeamNotifications1765001301200";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "notification_settings" (
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "project_id" integer NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "level" text NOT NULL CHECK ("level" IN ('watch', 'assigned', 'disabled')),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_notification_settings" PRIMARY KEY ("user_id", "project_id")
    )`);
    await q.query(
      `CREATE INDEX "idx_notification_settings_watchers" ON "notification_settings" ("project_id") WHERE "level" = 'watch'`,
    );
    await q.query(`CREATE TABLE "notifications" (
      "id" SERIAL NOT NULL,
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "project_id" integer NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
      "issue_id" integer NOT NULL REFERENCES "issues" ("id") ON DELETE CASCADE,
      "note_id" integer REFERENCES "notes" ("id") ON DELETE CASCADE,
      "kind" text NOT NULL CHECK ("kind" IN ('new_ticket', 'customer_reply')),
      "reason" text NOT NULL CHECK ("reason" IN ('assigned', 'watching')),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "read_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "PK_notifications" PRIMARY KEY ("id")
    )`);
    await q.query(`CREATE INDEX "idx_notifications_user" ON "notifications" ("user_id", "id")`);
    await q.query(
      `CREATE INDEX "idx_notifications_user_unread" ON "notifications" ("user_id", "issue_id") WHERE "read_at" IS NULL`,
    );
    await q.query(`ALTER TABLE "sent_notifications" ADD "recipient_user_id" integer`);
  }

  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE "sent_notifications" DROP COLUMN "recipient_user_id"`);
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP TABLE "notification_settings"`);
  }
}
