import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 13.1: Microsoft Graph messages that are committed to the ledger but not yet moved out of the
 * inbox. Written in the transaction that stores them, deleted once the move succeeds: after a crash in
 * between, the next sync moves them without fetching them again.
 */
export class GraphStoredMessages1765001300000 implements MigrationInterface {
  name = "GraphStoredMessages1765001300000";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "graph_stored_messages" (
      "mailbox_key" text NOT NULL,
      "graph_id" text NOT NULL,
      "inbound_email_id" integer NOT NULL,
      "stored_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_graph_stored_messages" PRIMARY KEY ("mailbox_key", "graph_id")
    )`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TABLE "graph_stored_messages"`);
  }
}
