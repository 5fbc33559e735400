import { customerAddressVisibility, issueVisibility } from "../permissions/visibility.ts";
import type { EntityManager, IssueState } from "@tidings/db";

export const ISSUE_SORTS = ["CREATED_DESC", "CREATED_ASC", "UPDATED_DESC", "UPDATED_ASC"] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

export type IssueListFilter = {
  projectId: number;
  state?: IssueState | "all";
  /** Full-text (websearch syntax) over title, description and external author; `#12` finds iid 12. */
  search?: string | null;
  /** Issues carrying every one of these labels (titles, case-insensitive). */
  labelNames?: string[] | null;
  /** Issues assigned to every one of these users. */
  assigneeUsernames?: string[] | null;
  authorUsername?: string | null;
  /**
   * Who asks: when they may not read confidential issues, only public ones and confidential ones
   * assigned to them are listed (A3).
   */
  readConfidential: boolean;
  viewerId: number | null;
};

export type IssueListPage = { sort?: IssueSort; first: number; after?: string | null };

export type IssueListRow = { id: number; cursor: string };

const SORT_SQL: Record<IssueSort, { column: string; dir: "ASC" | "DESC"; cmp: "<" | ">" }> = {
  CREATED_DESC: { column: "created_at", dir: "DESC", cmp: "<" },
  CREATED_ASC: { column: "created_at", dir: "ASC", cmp: ">" },
  UPDATED_DESC: { column: "updated_at", dir: "DESC", cmp: "<" },
  UPDATED_ASC: { column: "updated_at", dir: "ASC", cmp: ">" },
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
 * Plain words match as prefixes (search as you type: "print" finds "printer"), all of them required;
 * anything else (quotes, `or`, `-word`, addresses) is read with websearch syntax. Both use the GIN index.
 */
const searchQuery = (search: string, p: (v: unknown) => string) => {
  const words = search.split(/\s+/).filter(Boolean);
  if (words.length <= 8 && words.every((w) => /^[\p{L}\p{N}_]+$/u.test(w)) && !words.some((w) => /^or$/i.test(w)))
    return `to_tsquery('simple', ${p(words.map((w) => `${w}:*`).join(" & "))})`;
  return `websearch_to_tsquery('simple', ${p(search)})`;
};

/** The WHERE clause shared by the page and the count; parameters are numbered from 1. */
export const issueListWhere = (f: IssueListFilter) => {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [`i.project_id = ${p(f.projectId)}`];
  if (f.state && f.state !== "all") where.push(`i.state = ${p(f.state)}`);
  const visible = issueVisibility.sql({ readProject: true, readConfidential: f.readConfidential }, f.viewerId, p);
  if (visible !== "TRUE") where.push(visible);
  const search = f.search?.trim();
  if (search) {
    const iid = /^#(\d{1,9})$/.exec(search);
    if (iid) where.push(`i.iid = ${p(Number(iid[1]))}`);
    else {
      const query = searchQuery(search, p);
      where.push(`i.search_vector @@ ${query}`);
      // Below Reporter the requester's address is obfuscated (item 32): it must not be searchable
      // either, or a search would confirm the hidden address. The index narrows, this rechecks.
      if (!customerAddressVisibility.allows({ readProject: true, readConfidential: f.readConfidential }))
        where.push(`to_tsvector('simple', coalesce(i.title, '') || ' ' || coalesce(i.description, '')) @@ ${query}`);
    }
  }
  for (const title of new Set((f.labelNames ?? []).map((t) => t.toLowerCase()))) {
    where.push(
      `EXISTS (SELECT 1 FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = i.id AND lower(l.title) = ${p(title)})`,
    );
  }
  for (const username of new Set((f.assigneeUsernames ?? []).map((u) => u.toLowerCase()))) {
    where.push(
      `EXISTS (SELECT 1 FROM issue_assignees ia JOIN users u ON u.id = ia.user_id WHERE ia.issue_id = i.id AND lower(u.username) = ${p(username)})`,
    );
  }
  if (f.authorUsername) {
    where.push(`i.author_id = (SELECT id FROM users WHERE lower(username) = lower(${p(f.authorUsername)}))`);
  }
  return { where: where.join(" AND "), params };
};

/** The page query as SQL text and parameters (also run directly by the benchmark). */
export const issueListSql = (f: IssueListFilter, page: IssueListPage) => {
  const { where, params } = issueListWhere(f);
  const sort = SORT_SQL[page.sort ?? "CREATED_DESC"];
  const conditions = [where];
  const after = page.after ? decodeIssueCursor(page.after) : null;
  if (after) {
    params.push(after[0], after[1]);
    conditions.push(`(i.${sort.column}, i.id) ${sort.cmp} ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(page.first + 1);
  const sql =
    `SELECT i.id, i.${sort.column}::text AS sort_value FROM issues i WHERE ${conditions.join(" AND ")} ` +
    `ORDER BY i.${sort.column} ${sort.dir}, i.id ${sort.dir} LIMIT $${params.length}`;
  return { sql, params };
};

export const issueCountSql = (f: IssueListFilter) => {
  const { where, params } = issueListWhere(f);
  return { sql: `SELECT count(*)::int AS count FROM issues i WHERE ${where}`, params };
};

/** A page of issue ids in a stable order (keyset pagination); the caller loads the rows. */
export const listIssueIds = async (db: EntityManager, f: IssueListFilter, page: IssueListPage) => {
  if (page.after && !decodeIssueCursor(page.after)) return { rows: [] as IssueListRow[], hasNextPage: false };
  const { sql, params } = issueListSql(f, page);
  const raw: { id: number; sort_value: string }[] = await db.query(sql, params);
  const rows = raw.slice(0, page.first).map((r) => ({ id: r.id, cursor: encodeIssueCursor(r.sort_value, r.id) }));
  return { rows, hasNextPage: raw.length > page.first };
};

export const countIssues = async (db: EntityManager, f: IssueListFilter): Promise<number> => {
  const { sql, params } = issueCountSql(f);
  const [row] = await db.query(sql, params);
  return row.count;
};
