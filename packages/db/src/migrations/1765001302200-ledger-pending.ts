import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3: the processor's sweep (every 5 s, for ever) looks for stored messages still `received`. A
 * processed message leaves its `received` row version behind until autovacuum removes it, and on a busy
 * ledger autovacuum waits for a fifth of the table to change. Along (status, received_at) the sweep read
 * every such version's heap page (37 ms per sweep after 8,000 messages in the benchmark), and with
 * statistics taken while a backlog was still `received` the planner walked the whole primary key instead.
 * This index holds only `received` rows: its order is the sweep's, so it is the sweep's plan whatever the
 * statistics, and its index scan marks the versions it finds dead, so the next sweep skips them
 * (packages/core/src/ingest/grown-tables.int.test.ts).
 */
export class LedgerPending1765001302200 implements MigrationInterface {
  name = "LedgerPending1765001302200";

  async up(q: QueryRunner) {
    await q.query(`CREATE INDEX "idx_inbound_emails_pending" ON "inbound_emails" ("id") WHERE "status" = 'received'`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_pending"`);
  }
}
