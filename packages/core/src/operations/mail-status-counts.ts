// Issue 14.3: the ledger's and the outbox's rows by project and status, as kept by the database itself
// (migration 1765001302000: every statement that changes a status adds one row per project and status it
// changed, +n or −n). Reading sums the rows added since the last fold; folding collapses them into one row
// per project and status.
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
    `SELECT status, sum(n)::float8 AS n FROM mail_status_counts WHERE direction = $1
      GROUP BY status HAVING sum(n) <> 0`,
    [direction],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
};

/**
 * How many rows of one direction are in any of `statuses`: of one project (through the kept rows' project
 * index), or of the whole instance (`"all"`, mail of no project included).
 */
export const readKeptCount = async (
  db: DataSource | EntityManager,
  direction: MailDirection,
  statuses: readonly string[],
  projectId: number | "all",
): Promise<number> => {
  const [row]: { n: number }[] = await db.query(
    `SELECT coalesce(sum(n), 0)::float8 AS n FROM mail_status_counts
      WHERE direction = $1 AND status = ANY($2::text[])${projectId === "all" ? "" : " AND project_id = $3"}`,
    projectId === "all" ? [direction, statuses] : [direction, statuses, projectId],
  );
  return row.n;
};

/**
 * Collapses the kept rows into one per direction, project and status, so a read sums what changed since
 * the last fold. Rows added by transactions still open are not seen, so not deleted: they are folded next time.
 * Returns how many rows it folded.
 */
export const foldMailStatusCounts = async (db: DataSource | EntityManager): Promise<number> => {
  const [row]: { folded: number }[] = await db.query(
    `WITH gone AS (DELETE FROM mail_status_counts RETURNING direction, project_id, status, n),
          kept AS (INSERT INTO mail_status_counts (direction, project_id, status, n)
                     SELECT direction, project_id, status, sum(n) FROM gone
                      GROUP BY direction, project_id, status HAVING sum(n) <> 0)
     SELECT count(*)::int AS folded FROM gone`,
  );
  return row.folded;
};
