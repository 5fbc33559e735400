import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.3 (costs flat as data grows), the outbox's claim: the runner asks, again and again for as long as
 * the worker runs, for emails `queued` and due or `sending` under a runner that is gone. Each email is written
 * three times (queued, sending, sent), and every version stays until autovacuum removes it, which on a busy
 * outbox waits for a fifth of the table to change. Along (status, next_attempt_at) a claim re-read every such
 * version's heap page on every poll (a bitmap scan never marks them dead): 3,700 pages and 5–10 ms per claim
 * after 20,000 emails sent. With statistics taken while a burst was still queued, the planner read the whole
 * outbox instead (every email ever sent). This index holds only the rows a claim can take, in the claim's
 * own order: it is the claim's plan whatever the statistics, and its index scan marks the versions it finds
 * dead, so the next claim skips them (apps/worker/src/outbound/grown-tables.int.test.ts). It replaces
 * (status, next_attempt_at), which only the claim read.
 */
export class OutboxPending1765001302400 implements MigrationInterface {
  name = "OutboxPending1765001302400";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX "idx_outbound_emails_pending" ON "outbound_emails" ("next_attempt_at", "id") WHERE "status" IN ('queued', 'sending')`,
    );
    await q.query(`DROP INDEX "idx_outbound_emails_due"`);
  }

  async down(q: QueryRunner) {
    await q.query(`CREATE INDEX "idx_outbound_emails_due" ON "outbound_emails" ("status", "next_attempt_at")`);
    await q.query(`DROP INDEX "idx_outbound_emails_pending"`);
  }
}
