// Issue 14.3: the ledger's and the outbox's rows by status, as kept by the database itself (migration
// 1765001302000: every statement that changes a status adds one row per status it changed, +n or −n).
// Reading sums the rows added since the last fold; folding collapses them into one row per status.
import type { DataSource, EntityManager } from "@tidings/db";

export type MailDirection = "inbound" | "outbound";

/**
 * The number of rows of `inbound_emails` or `outbound_emails` in each status (statuses with none are
 * absent), exactly as `count(*) … GROUP BY status` would say in the same snapshot.
 */
export const readMailStatusCounts = async (
  db: DataSource | EntityManager,
  direction: MailDirection,
): Promise<Record<string, number>> => {
  const rows: { status: string; n: number }[] = await db.query(
    `SELECT status, sum(n)::float8 AS n FROM mail_status_counts WHERE direction = $1 GROUP BY status HAVING sum(n) <> 0`,
    [direction],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/**
 * Collapses the kept rows into one per direction and status, so a read sums what changed since the last
 * fold. Rows added by transactions still open are not seen, so not deleted: they are folded next time.
 * Returns how many rows it folded.
 */
export const foldMailStatusCounts = async (db: DataSource | EntityManager): Promise<number> => {
  const [row]: { folded: number }[] = await db.query(
    `WITH gone AS (DELETE FROM mail_status_counts RETURNING direction, status, n),
          kept AS (INSERT INTO mail_status_counts (direction, status, n)
                     SELECT direction, status, sum(n) FROM gone GROUP BY direction, status HAVING sum(n) <> 0)
     SELECT count(*)::int AS folded FROM gone`,
  );
  return row.folded;
};
