import type { MigrationInterface, QueryRunner } from "typeorm";

/** The tables whose rows are counted by project and status, and the direction each is counted under. */
const COUNTED = [
  ["inbound_emails", "inbound"],
  ["outbound_emails", "outbound"],
] as const;

/**
 * The ledger's quarantine (QUARANTINE_STATUSES in entities/constants.ts; a test holds the two equal): the
 * partial index below holds only these rows.
 */
export const QUARANTINED = ["ignored", "rejected", "failed"] as const;
const quarantined = QUARANTINED.map((s) => `'${s}'`).join(", ");

/** The triggers on each counted table, and their functions, by the change they count. */
const EVENTS = ["inserted", "updated", "deleted", "truncated"] as const;

/**
 * Issue 14.3: the /metrics scrape reported the ledger's and the outbox's rows by status with
 * `count(*) … GROUP BY status`, which reads every message ever handled on each scrape: 88–150 ms at a
 * million rows with the visibility map set (a parallel index-only scan in three processes), ten times that
 * at ten million, every 15 to 60 seconds for ever.
 *
 * The counts are kept instead, per project. Every statement that inserts, updates or deletes rows of either
 * table (or empties it) adds one row to `mail_status_counts` per project and status whose number it changed (+n or −n), in
 * its own transaction: a statement-level trigger over the statement's transition tables, so a batch of 30
 * pays once (8–16 µs per statement, measured), and a statement that changes no status (the claim's
 * attempt count) adds nothing. Inserts never wait on each other. The sum of a status's rows is its count,
 * exactly, in any snapshot. The worker folds the rows into one per project and status every minute
 * (operations/mail-status-counts.ts), so a scrape sums what changed since the last fold, not what the
 * tables hold.
 *
 * The quarantine's navigation badge and its page's count read the same rows for one project; before,
 * they counted the quarantine of every project through the status index on each page load (the ledger has
 * no project index). A project's page reads its newest rows of each status through a partial index that
 * holds only quarantined mail, so the rest of the ledger costs neither a read nor an index entry.
 */
export class MailStatusCounts1765001302000 implements MigrationInterface {
  name = "MailStatusCounts1765001302000";

  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE "mail_status_counts" (
      "id" bigserial PRIMARY KEY,
      "direction" text NOT NULL,
      "project_id" integer,
      "status" text NOT NULL,
      "n" bigint NOT NULL
    )`);
    await q.query(`CREATE INDEX "idx_mail_status_counts_project" ON "mail_status_counts" ("project_id")`);
    await q.query(`CREATE FUNCTION tidings_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO mail_status_counts (direction, project_id, status, n)
          SELECT TG_ARGV[0], project_id, status, count(*) FROM new_rows GROUP BY project_id, status;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION tidings_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO mail_status_counts (direction, project_id, status, n)
          SELECT TG_ARGV[0], project_id, status, sum(d)
            FROM (SELECT project_id, status, 1 AS d FROM new_rows
                  UNION ALL SELECT project_id, status, -1 FROM old_rows) c
           GROUP BY project_id, status HAVING sum(d) <> 0;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION tidings_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO mail_status_counts (direction, project_id, status, n)
          SELECT TG_ARGV[0], project_id, status, -count(*) FROM old_rows GROUP BY project_id, status;
        RETURN NULL;
      END $$`);
    // A table emptied at once (an operator's TRUNCATE) has nothing left to count.
    await q.query(`CREATE FUNCTION tidings_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM mail_status_counts WHERE direction = TG_ARGV[0];
        RETURN NULL;
      END $$`);
    for (const [table, direction] of COUNTED) {
      // Created before the rows are counted: the triggers' lock holds off writers until this commits, so
      // no row is counted twice or missed.
      await q.query(`CREATE TRIGGER "${table}_count_inserted" AFTER INSERT ON "${table}"
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_inserted('${direction}')`);
      await q.query(`CREATE TRIGGER "${table}_count_updated" AFTER UPDATE ON "${table}"
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_updated('${direction}')`);
      await q.query(`CREATE TRIGGER "${table}_count_deleted" AFTER DELETE ON "${table}"
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_deleted('${direction}')`);
      await q.query(`CREATE TRIGGER "${table}_count_truncated" AFTER TRUNCATE ON "${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION tidings_count_truncated('${direction}')`);
      await q.query(
        `INSERT INTO mail_status_counts (direction, project_id, status, n)
           SELECT $1, project_id, status, count(*) FROM "${table}" GROUP BY project_id, status`,
        [direction],
      );
    }
    await q.query(
      `CREATE INDEX "idx_inbound_emails_quarantine_project" ON "inbound_emails" ("project_id", "status", "id") WHERE "status" IN (${quarantined})`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_inbound_emails_quarantine_project"`);
    for (const [table] of COUNTED) {
      for (const event of EVENTS) await q.query(`DROP TRIGGER "${table}_count_${event}" ON "${table}"`);
    }
    for (const event of EVENTS) await q.query(`DROP FUNCTION tidings_count_${event}()`);
    await q.query(`DROP TABLE "mail_status_counts"`);
  }
}
