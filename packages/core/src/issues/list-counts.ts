// The list's counts (issue 14.4): the state tabs' capped counts ("1,000+" above ISSUE_COUNT_CAP) and the exact
// count, over the same filter and WHERE clause as the page (list-issues.ts).
import type { EntityManager } from "@tidings/db";
import {
  candidatesCondition,
  type IssueListFilter,
  issueListWhere,
  type ResolvedIssueListFilter,
  resolveIssueListFilter,
  stateBranches,
  statesOf,
} from "./list-issues.ts";

export const issueCountSql = (f: ResolvedIssueListFilter) => {
  const { where, params, p } = issueListWhere(f);
  const states = statesOf(f);
  const state = states.length === 1 ? `i.state = ${p(states[0])}` : "TRUE";
  return { sql: `SELECT count(*)::int AS count FROM issues i WHERE ${where} AND ${state}`, params };
};

/**
 * Lists show an exact count up to this many matching issues and "1,000+" above it (GitLab's shape): the
 * count then stops after 1,001 rows instead of reading every match (77–80 % of the list's SQL time at
 * 100k issues with an exact count).
 */
export const ISSUE_COUNT_CAP = 1000;

export type CappedCount = { count: number; exact: boolean };

/**
 * Counts at most `cap + 1` rows per state, walking an index in its order so the walk stops after `cap + 1`
 * matches instead of reading the project to the end (a sequential scan or a bitmap would have to gather
 * every match first). A rare search term still goes through its GIN index.
 * - Most lists walk the covering index (project_id, state, author_id, id) INCLUDE (confidential, label_ids)
 *   (migration 1765001301600), author fixed or not: index-only, labels checked in the index, assignees
 *   probed per row. Rare labels are read from their GIN index instead.
 * - A needs-reply list walks the needs-reply partial index (project_id, last_customer_activity_at) instead:
 *   it holds only the waiting issues. At 1M issues with a common search word, the covering walk cost
 *   620 ms (a lossy bitmap of every match rechecked); this walk 10 ms.
 * - A search whose words are in a tenth of the issues or more (walkSearch) is tested on each row walked, so
 *   the planner cannot gather its matches from the word's indexes on a low estimate of it.
 */
export const issueCappedCountSql = (f: ResolvedIssueListFilter, cap = ISSUE_COUNT_CAP) => {
  const { where: filters, params, p } = issueListWhere(f, { testRows: f.walkSearch });
  const where = [filters, ...candidatesCondition(f, p)].join(" AND ");
  const limit = p(cap + 1);
  // Candidates are few: read them, no walk.
  const walk = f.candidateIds
    ? ""
    : ` ORDER BY ${f.needsReply === true ? "i.last_customer_activity_at" : "i.author_id, i.id"}`;
  const branches = stateBranches(f).map(
    (state) =>
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM issues i WHERE ${where}${state ? ` AND i.state = ${p(state)}` : ""}` +
      `${walk} LIMIT ${limit}) s`,
  );
  return { sql: `SELECT (${branches.join(") + (")})::int AS count`, params };
};

/** The count of matching issues when at most `cap`, else `{ count: cap, exact: false }`. */
export const countIssuesCapped = async (
  db: EntityManager,
  filter: IssueListFilter | ResolvedIssueListFilter,
  cap = ISSUE_COUNT_CAP,
): Promise<CappedCount> => {
  const f = await resolveIssueListFilter(db, filter);
  if (!f) return { count: 0, exact: true };
  const { sql, params } = issueCappedCountSql(f, cap);
  const [row] = await db.query(sql, params);
  return row.count > cap ? { count: cap, exact: false } : { count: row.count, exact: true };
};

/** Two capped counts added: exact only when both are and their sum is within the cap. */
export const addCappedCounts = (a: CappedCount, b: CappedCount, cap = ISSUE_COUNT_CAP): CappedCount => {
  const sum = a.count + b.count;
  return a.exact && b.exact && sum <= cap ? { count: sum, exact: true } : { count: Math.min(sum, cap), exact: false };
};

export type IssueCounter = (f: ResolvedIssueListFilter) => Promise<CappedCount>;

/**
 * Capped counts for one request (the list's state tabs ask for four at once): each filter and state is
 * counted once, and "all" (without "needs reply") is "opened" + "closed", so the tabs walk each state
 * once instead of twice.
 */
export const issueCounter = (db: EntityManager, cap = ISSUE_COUNT_CAP): IssueCounter => {
  const memo = new Map<string, Promise<CappedCount>>();
  const count: IssueCounter = (f) => {
    if (f.needsReply !== true && (!f.state || f.state === "all")) {
      const [a, b] = statesOf(f).map((state) => count({ ...f, state }));
      return Promise.all([a, b]).then(([x, y]) => addCappedCounts(x, y, cap));
    }
    const key = JSON.stringify(f);
    let counted = memo.get(key);
    if (!counted) {
      counted = countIssuesCapped(db, f, cap);
      memo.set(key, counted);
    }
    return counted;
  };
  return count;
};

/** The exact count: reads every matching issue (O(matches)); lists use `countIssuesCapped`. */
export const countIssues = async (
  db: EntityManager,
  filter: IssueListFilter | ResolvedIssueListFilter,
): Promise<number> => {
  const f = await resolveIssueListFilter(db, filter);
  if (!f) return 0;
  const { sql, params } = issueCountSql(f);
  const [row] = await db.query(sql, params);
  return row.count;
};
