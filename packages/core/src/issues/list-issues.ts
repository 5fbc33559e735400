import { type EntityManager, type IssueState, LABELLED_WALK_COLUMNS, preparedQuery } from "@tidings/db";
import { issueVisibility } from "../permissions/visibility.ts";
import {
  planSearch,
  type ResolvedSearch,
  refuseLongSearch,
  resolveSearch,
  type SearchPlan,
  searchMatches,
} from "./list-search.ts";

export const ISSUE_SORTS = [
  "CREATED_DESC",
  "CREATED_ASC",
  "UPDATED_DESC",
  "UPDATED_ASC",
  "LAST_CUSTOMER_ACTIVITY_DESC",
] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

export type IssueListFilter = {
  projectId: number;
  state?: IssueState | "all";
  /**
   * Full-text (prefix and stemmed, accent-insensitive) over title, description head, readable comments and,
   * for Reporter+, the requester's address and domain; `#12` finds iid 12.
   */
  search?: string | null;
  /** Issues carrying every one of these labels (titles, case-insensitive). */
  labelNames?: string[] | null;
  /** Issues assigned to every one of these users. */
  assigneeUsernames?: string[] | null;
  authorUsername?: string | null;
  /** Issue 10.1: only issues where a customer message waits for a public answer (any state). */
  needsReply?: boolean | null;
  /**
   * Who asks: when they may not read confidential issues, only public ones and confidential ones
   * assigned to them are listed (A3).
   */
  readConfidential: boolean;
  viewerId: number | null;
};

export type IssueListPage = { sort?: IssueSort; first: number; after?: string | null };

const SORT_SQL: Record<IssueSort, { column: string; dir: "ASC" | "DESC"; cmp: "<" | ">" }> = {
  CREATED_DESC: { column: "created_at", dir: "DESC", cmp: "<" },
  CREATED_ASC: { column: "created_at", dir: "ASC", cmp: ">" },
  UPDATED_DESC: { column: "updated_at", dir: "DESC", cmp: "<" },
  UPDATED_ASC: { column: "updated_at", dir: "ASC", cmp: ">" },
  LAST_CUSTOMER_ACTIVITY_DESC: { column: "last_customer_activity_at", dir: "DESC", cmp: "<" },
};

/** A cursor names the last row's sort value (text, microsecond precision) and id, so pages are stable. */
export const encodeIssueCursor = (sortValue: string, id: number) =>
  Buffer.from(JSON.stringify([sortValue, id])).toString("base64url");

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;

export const decodeIssueCursor = (cursor: string): [string, number] | null => {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(v) && typeof v[0] === "string" && TIMESTAMP.test(v[0]) && Number.isInteger(v[1]))
      return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  return null;
};

/**
 * The filter with its names resolved to ids (one small query), so the planner sees literal ids and their
 * statistics (support-bot authors most issues, a label may be rare) and picks the right index; a name
 * that matches nothing means an empty list without touching the issues.
 */
export type ResolvedIssueListFilter = Omit<IssueListFilter, "labelNames" | "assigneeUsernames" | "authorUsername"> & {
  resolved: true;
  authorId: number | null;
  /** One label id per requested title (labels belong to one project; titles are unique per project). */
  labelIds: number[];
  assigneeIds: number[];
  /** The search as a tsquery (resolveSearch); null without a search, for `#12`, or when nothing is left. */
  tsquery: string | null;
  /**
   * Every matching issue is one of these (issue 14.4): the issues holding the search's rarest word, read
   * from its own index, when there are at most ISSUE_DRIVE_CAP. null: no condition is that rare, and the
   * list walks its sort order as usual.
   */
  candidateIds: number[] | null;
  /** Its words are common enough for a capped count to test rows as it walks (planSearch in list-search.ts). */
  walkSearch: boolean;
};

const lowerSet = (xs: string[] | null | undefined) => [...new Set((xs ?? []).map((x) => x.toLowerCase()))];

/** Resolves label titles and usernames; null when one of them does not exist (nothing can match). */
export const resolveIssueListFilter = async (
  db: EntityManager,
  f: IssueListFilter | ResolvedIssueListFilter,
): Promise<ResolvedIssueListFilter | null> => {
  if ("resolved" in f) return f;
  const { labelNames, assigneeUsernames, authorUsername, ...rest } = f;
  const titles = lowerSet(labelNames);
  const usernames = lowerSet([...(assigneeUsernames ?? []), ...(authorUsername ? [authorUsername] : [])]);
  const search = f.search?.trim();
  refuseLongSearch(search);
  // The names and the search are resolved at once (two connections of the pool): the search's words and
  // then its candidates (planSearch) beside the names, so a list waits for the longer of the two, not both.
  const searched =
    search && !/^#\d{1,9}$/.test(search)
      ? resolveSearch(db, search).then(async (resolved) => ({
          resolved,
          plan: await planSearch(db, f, resolved.terms),
        }))
      : null;
  const [rows, searchedNow]: [{ kind: "label" | "user"; name: string; id: number }[], Searched | null] =
    await Promise.all([
      titles.length || usernames.length
        ? preparedQuery<{ kind: "label" | "user"; name: string; id: number }>(
            db,
            `SELECT 'label' AS kind, lower(title) AS name, id FROM labels WHERE project_id = $1 AND lower(title) = ANY($2::text[])
             UNION ALL SELECT 'user', lower(username), id FROM users WHERE lower(username) = ANY($3::text[])`,
            [f.projectId, titles, usernames],
          )
        : [],
      searched,
    ]);
  const idOf = (kind: "label" | "user", name: string) => rows.find((r) => r.kind === kind && r.name === name)?.id;
  const labelIds = titles.map((t) => idOf("label", t));
  const assigneeIds = lowerSet(assigneeUsernames).map((u) => idOf("user", u));
  const authorId = authorUsername ? idOf("user", authorUsername.toLowerCase()) : null;
  if (labelIds.includes(undefined) || assigneeIds.includes(undefined) || authorId === undefined) return null;
  return {
    ...rest,
    resolved: true,
    authorId,
    labelIds: labelIds as number[],
    assigneeIds: assigneeIds as number[],
    tsquery: searchedNow?.resolved.tsquery ?? null,
    candidateIds: searchedNow?.plan.candidateIds ?? null,
    walkSearch: searchedNow?.plan.walk ?? false,
  };
};

type Searched = { resolved: ResolvedSearch; plan: SearchPlan };

/**
 * Resolves the filters of one request: the list's state tabs ask for the same names and search once per
 * tab, and nothing resolved depends on the state or "needs reply" (names, the search's words, its
 * candidates, which hold every state), so each distinct rest is resolved once and the tab's state and
 * "needs reply" laid on it. At 1M issues a rare search's tabs read its candidates (up to ISSUE_DRIVE_CAP
 * ids) once instead of four times.
 */
export const issueListFilterResolver = (db: EntityManager) => {
  const memo = new Map<string, Promise<ResolvedIssueListFilter | null>>();
  return (f: IssueListFilter): Promise<ResolvedIssueListFilter | null> => {
    const { state, needsReply, ...rest } = f;
    // Keyed by everything else, the reader's access included.
    const key = JSON.stringify(rest);
    let resolved = memo.get(key);
    if (!resolved) {
      resolved = resolveIssueListFilter(db, rest);
      memo.set(key, resolved);
    }
    return resolved.then((r) => r && { ...r, state, needsReply });
  };
};

/**
 * Issues carrying every label of the int[] parameter: `issues.label_ids`, kept by a trigger on `issue_labels`
 * (migration 1765001301600). Its GIN index holds only labelled issues (`label_ids <> '{}'`), so the condition
 * names that predicate for the planner to use it; the count's covering index includes the array.
 */
export const issueLabelsCondition = (param: string) => `(i.label_ids @> ${param}::int[] AND i.label_ids <> '{}')`;

/**
 * The WHERE clause shared by the page and the count (without the state); parameters are numbered from 1.
 * `testRows`: the search is tested on each row the query walks, never gathered from its indexes (searchMatches).
 */
export const issueListWhere = (f: ResolvedIssueListFilter, opts: { testRows?: boolean } = {}) => {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`i.project_id = ${p(f.projectId)}`];
  const visible = issueVisibility.sql({ readProject: true, readConfidential: f.readConfidential }, f.viewerId, p);
  if (visible !== "TRUE") where.push(visible);
  const search = f.search?.trim();
  if (search) {
    const iid = /^#(\d{1,9})$/.exec(search);
    if (iid) where.push(`i.iid = ${p(Number(iid[1]))}`);
    else if (!f.tsquery) where.push("FALSE");
    else where.push(searchMatches(f, `${p(f.tsquery)}::tsquery`, { indexed: !opts.testRows }));
  }
  if (f.labelIds.length) where.push(issueLabelsCondition(p(f.labelIds)));
  for (const id of f.assigneeIds)
    where.push(`EXISTS (SELECT 1 FROM issue_assignees ia WHERE ia.issue_id = i.id AND ia.user_id = ${p(id)})`);
  if (f.authorId !== null) where.push(`i.author_id = ${p(f.authorId)}`);
  if (f.needsReply === true) where.push("i.awaiting_reply_since IS NOT NULL");
  if (f.needsReply === false) where.push("i.awaiting_reply_since IS NULL");
  return { where: where.join(" AND "), params, p };
};

/** The states a filter covers; "all" is listed state by state so each branch walks a (project, state, …) index. */
export const statesOf = (f: { state?: IssueState | "all" }): IssueState[] =>
  !f.state || f.state === "all" ? ["opened", "closed"] : [f.state];

/**
 * The branches of a query by state: null is one branch for every state. "Needs reply" is its own partial
 * index without the state (migration 1765001300800), so "all" stays one walk of it instead of two that each
 * skip the other state's rows — a rare state and search combination would read the whole index (issue 10.5).
 */
export const stateBranches = (f: { state?: IssueState | "all"; needsReply?: boolean | null }): (IssueState | null)[] =>
  f.needsReply === true && (!f.state || f.state === "all") ? [null] : statesOf(f);

/** The columns a list row needs (not the description: it can be large and a list does not show it). */
export const ISSUE_LIST_COLUMNS = [
  "id",
  "project_id",
  "iid",
  "title",
  "state",
  "confidential",
  "author_id",
  "external_author",
  "moved_to_id",
  "closed_at",
  "created_at",
  "updated_at",
  "last_customer_activity_at",
  "awaiting_reply_since",
  "first_team_reply_at",
  "last_team_reply_at",
  "external_author_name",
] as const;

/** The candidates (issue 14.4) as a condition of the page and the count; none without candidates. */
export const candidatesCondition = (f: ResolvedIssueListFilter, p: (v: unknown) => string) =>
  f.candidateIds ? [`i.id = ANY(${p(f.candidateIds)}::int[])`] : [];

/**
 * Whether a page is found in the labelled issues' covering indexes (migration 1765001302600) before its rows
 * are read: filtered by labels, in an order they hold, and without a search (the search vectors are not in
 * them).
 */
const pagedByLabels = (f: ResolvedIssueListFilter, sortColumn: string) =>
  f.labelIds.length > 0 && !f.search?.trim() && LABELLED_WALK_COLUMNS.includes(sortColumn);

/**
 * How many of a state's labelled issues a page filtered by labels walks, in the list's order, before it
 * gathers the labels' matches from their GIN index instead (issue 14.4). The planner chose between the two
 * on its estimate of the matches, and labels are not independent: at 1M issues it took "bug & urgent"
 * (1,546 open issues) for 402, gathered all 1,546 rows from 2,132 heap pages and sorted them, 4.9 ms of
 * execution (p50), where the walk finds the page in 7,900 index entries, 2.6 ms. The walk now goes first,
 * bounded; a combination too rare to fill a page within the budget (under 1 in ~400 of the state's labelled
 * issues) falls back to the gather, which then reads few rows. 20,000 entries are ~4–5 ms of walking, the
 * most a fallback adds.
 */
export const LABELLED_WALK_BUDGET = 20_000;

/**
 * What a page filtered by labels tests on each issue it walks (issueListWhere on alias `i`): columns of the
 * covering indexes, so the walk stays index-only (list-labels.int.test.ts checks the plan).
 */
const LABELLED_WALK_CARRIES = ["id", "project_id", "author_id", "confidential", "awaiting_reply_since", "label_ids"];

type PageParts = {
  f: ResolvedIssueListFilter;
  /** issueListWhere's condition, on alias `i`. */
  where: string;
  /** The cursor's condition, if any. */
  keyset: string[];
  column: string;
  dir: "ASC" | "DESC";
  /** ORDER BY the list's order and LIMIT the page's size + 1, on alias `alias`. */
  order: (alias: string) => string;
  p: (v: unknown) => string;
};

/**
 * The ids and sort values of a page filtered by labels, state by state, and the CTEs they read. Each state's
 * walk reads at most `budget` of its labelled issues in the list's order (a LIMIT in a subquery: the filters
 * are tested above it, so the planner can neither turn them into a gather nor walk on); when that fills the
 * page it is the page, else the labels' matches are gathered and sorted (the same filters, complete). One
 * statement; the gather runs only when the walk came up short.
 */
const labelledPage = ({ f, where, keyset, column, dir, order, p }: PageParts, first: number, budget: number) => {
  const ctes: string[] = [];
  const full = p(first);
  const branches = statesOf(f).map((state, n) => {
    const walk = `walk_${n}`;
    const s = p(state);
    const walked =
      `SELECT ${[...LABELLED_WALK_CARRIES, column].map((c) => `i.${c}`).join(", ")} FROM issues i ` +
      `WHERE ${[`i.project_id = ${p(f.projectId)}`, `i.state = ${s}`, "i.label_ids <> '{}'", ...keyset].join(" AND ")} ` +
      `ORDER BY i.${column} ${dir}, i.id ${dir} LIMIT ${p(budget)}`;
    ctes.push(`${walk} AS (SELECT i.id, i.${column} FROM (${walked}) i WHERE ${where} ${order("i.")})`);
    const gathered =
      `SELECT i.id, i.${column} FROM issues i WHERE ${[where, ...keyset, `i.state = ${s}`].join(" AND ")} ` +
      `AND (SELECT count(*) FROM ${walk}) <= ${full} ${order("i.")}`;
    return `((SELECT id, ${column} FROM ${walk} WHERE (SELECT count(*) FROM ${walk}) > ${full}) UNION ALL (${gathered}))`;
  });
  return { ctes, found: `SELECT id, ${column} FROM (${branches.join(" UNION ALL ")}) u ${order("")}` };
};

/**
 * The page query as SQL text and parameters (also run directly by the benchmark). A page filtered by labels
 * is found first, its ids and sort values only (labelledPage); then the page's rows are read by id.
 * `labelledWalkBudget` is for tests.
 */
export const issueListSql = (
  f: ResolvedIssueListFilter,
  page: IssueListPage,
  labelledWalkBudget = LABELLED_WALK_BUDGET,
) => {
  const { where, params, p } = issueListWhere(f);
  const { column, dir, cmp } = SORT_SQL[page.sort ?? "CREATED_DESC"];
  const after = page.after ? decodeIssueCursor(page.after) : null;
  const keyset = after ? [`(i.${column}, i.id) ${cmp} (${p(after[0])}::timestamptz, ${p(after[1])})`] : [];
  const limit = p(page.first + 1);
  const order = (alias: string) => `ORDER BY ${alias}${column} ${dir}, ${alias}id ${dir} LIMIT ${limit}`;
  const columns = `${ISSUE_LIST_COLUMNS.map((c) => `i.${c}`).join(", ")}, i.${column}::text AS sort_value`;
  if (pagedByLabels(f, column)) {
    const { ctes, found } = labelledPage({ f, where, keyset, column, dir, order, p }, page.first, labelledWalkBudget);
    const sql =
      `WITH ${ctes.join(", ")} SELECT ${columns} FROM issues i JOIN (${found}) page ON page.id = i.id ` +
      `ORDER BY i.${column} ${dir}, i.id ${dir}`;
    return { sql, params };
  }
  const conditions = [where, ...candidatesCondition(f, p), ...keyset];
  const branches = stateBranches(f).map(
    (state) =>
      `SELECT ${columns} FROM issues i ` +
      `WHERE ${[...conditions, ...(state ? [`i.state = ${p(state)}`] : [])].join(" AND ")} ${order("i.")}`,
  );
  const sql =
    branches.length === 1 ? branches[0] : `SELECT * FROM ((${branches.join(") UNION ALL (")})) u ${order("")}`;
  return { sql, params };
};

export type IssueListRow = {
  id: number;
  projectId: number;
  iid: number;
  title: string;
  state: IssueState;
  confidential: boolean;
  authorId: number;
  externalAuthor: string | null;
  movedToId: number | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  lastCustomerActivityAt: Date;
  awaitingReplySince: Date | null;
  firstTeamReplyAt: Date | null;
  lastTeamReplyAt: Date | null;
  /** The requester's display name when it was kept with the issue; null: not kept (requester-names.ts). */
  externalAuthorName: string | null;
  cursor: string;
};

type RawRow = {
  id: number;
  project_id: number;
  iid: number;
  title: string;
  state: IssueState;
  confidential: boolean;
  author_id: number;
  external_author: string | null;
  moved_to_id: number | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_customer_activity_at: Date;
  awaiting_reply_since: Date | null;
  first_team_reply_at: Date | null;
  last_team_reply_at: Date | null;
  external_author_name: string | null;
  sort_value: string;
};

const toRow = (r: RawRow): IssueListRow => ({
  id: r.id,
  projectId: r.project_id,
  iid: r.iid,
  title: r.title,
  state: r.state,
  confidential: r.confidential,
  authorId: r.author_id,
  externalAuthor: r.external_author,
  movedToId: r.moved_to_id,
  closedAt: r.closed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastCustomerActivityAt: r.last_customer_activity_at,
  awaitingReplySince: r.awaiting_reply_since,
  firstTeamReplyAt: r.first_team_reply_at,
  lastTeamReplyAt: r.last_team_reply_at,
  externalAuthorName: r.external_author_name,
  cursor: encodeIssueCursor(r.sort_value, r.id),
});

/** A page of issues (their list columns) in a stable order (keyset pagination): one query. */
export const listIssues = async (
  db: EntityManager,
  filter: IssueListFilter | ResolvedIssueListFilter,
  page: IssueListPage,
): Promise<{ rows: IssueListRow[]; hasNextPage: boolean }> => {
  const f = await resolveIssueListFilter(db, filter);
  if (!f || (page.after && !decodeIssueCursor(page.after))) return { rows: [], hasNextPage: false };
  const { sql, params } = issueListSql(f, page);
  const raw: RawRow[] = await db.query(sql, params);
  return { rows: raw.slice(0, page.first).map(toRow), hasNextPage: raw.length > page.first };
};

/** A page of issue ids (see `listIssues`). */
export const listIssueIds = async (db: EntityManager, f: IssueListFilter, page: IssueListPage) => {
  const { rows, hasNextPage } = await listIssues(db, f, page);
  return { rows: rows.map((r) => ({ id: r.id, cursor: r.cursor })), hasNextPage };
};
