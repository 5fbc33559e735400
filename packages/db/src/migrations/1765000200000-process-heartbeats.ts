import type { MigrationInterface, QueryRunner } from "typeorm";

/** Issue 15 item 5: a heartbeat row per process, so health and metrics say which part is down. */
export class ProcessHeartbeats1765000200000 implements MigrationInterface {
  name = "ProcessHeartbeats1765000200000";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE TABLE "process_heartbeats" ("instance" text NOT NULL, "kind" text NOT NULL, "pid" integer NOT NULL, "hostname" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "beat_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_process_heartbeats" PRIMARY KEY ("instance"))`,
    );
    await q.query(`CREATE INDEX "idx_process_heartbeats_kind_beat" ON "process_heartbeats" ("kind", "beat_at")`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "public"."idx_process_heartbeats_kind_beat"`);
    await q.query(`DROP TABLE "process_heartbeats"`);
  }
}
