// Issue 10.4: the customer's context in the thread — the requester's other tickets in this project (open
// first, then newest) and how many they have opened in all. The caller shows it to those who may see
// customers' addresses (Reporter+: customerAddressVisibility); an index on
// (project_id, lower(external_author), created_at) keeps it a short walk at any project size.
import type { EntityManager, IssueState } from "@tidings/db";

export type RequesterTicket = { id: number; iid: number; title: string; state: IssueState; createdAt: Date };
export type RequesterHistory = { total: number; open: number; others: RequesterTicket[] };

export const requesterHistory = async (
  db: EntityManager,
  input: { projectId: number; issueId: number; requester: string; limit?: number },
): Promise<RequesterHistory> => {
  const [counts] = await db.query(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE state = 'opened')::int AS open
       FROM issues WHERE project_id = $1 AND lower(external_author) = lower($2)`,
    [input.projectId, input.requester],
  );
  const rows: { id: number; iid: number; title: string; state: IssueState; created_at: Date }[] = await db.query(
    `SELECT id, iid, title, state, created_at FROM issues
      WHERE project_id = $1 AND lower(external_author) = lower($2) AND id <> $3
      ORDER BY (state = 'opened') DESC, created_at DESC, id DESC LIMIT $4`,
    [input.projectId, input.requester, input.issueId, input.limit ?? 5],
  );
  return {
    total: counts.total,
    open: counts.open,
    others: rows.map((r) => ({ id: r.id, iid: r.iid, title: r.title, state: r.state, createdAt: r.created_at })),
  };
};
