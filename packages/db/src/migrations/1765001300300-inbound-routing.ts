import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 12.6: every inbound email records why it landed where it did (route_reason, route_detail), and a
 * responder's move of one inbound message to another issue is kept (inbound_message_moves) so later replies
 * in that chain follow it.
 */
export class InboundRouting1765001300300 implements MigrationInterface {
  name = "InboundRouting1765001300300";

  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE "inbound_emails" ADD "route_reason" text, ADD "route_detail" text`);
    await q.query(`CREATE TABLE "inbound_message_moves" (
      "id" SERIAL NOT NULL,
      "project_id" integer NOT NULL,
      "message_id" text NOT NULL,
      "note_id" integer,
      "from_issue_id" integer NOT NULL,
      "to_issue_id" integer NOT NULL,
      "moved_by" integer,
      "moved_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_inbound_message_moves" PRIMARY KEY ("id")
    )`);
    await q.query(
      `CREATE INDEX "idx_inbound_message_moves_message" ON "inbound_message_moves" ("project_id", "message_id")`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "inbound_message_moves"`);
    await q.query(`ALTER TABLE "inbound_emails" DROP COLUMN "route_detail", DROP COLUMN "route_reason"`);
  }
}
