// Issue 10.5: the short, highlighted excerpt a search list shows under each hit. Computed for the rows of
// one page only (ts_headline parses the text again, so never for every match), from text the viewer may
// read: the issue's own, a comment it may read (internal notes for Reporter+), the requester's address
// only where customerAddressVisibility allows it — the same scope as the search itself (searchScope).
import { type EntityManager, SEARCH_VECTOR_HEAD_CHARS, SEARCH_WORDS_CONFIG } from "@tidings/db";
import type { ResolvedIssueListFilter } from "./list-issues.ts";
import { searchScope } from "./list-search.ts";

export const SEARCH_SNIPPET_SOURCES = ["TITLE", "DESCRIPTION", "COMMENT", "INTERNAL_NOTE", "REQUESTER"] as const;
export type SearchSnippetSource = (typeof SEARCH_SNIPPET_SOURCES)[number];
/** Plain text; `highlight` marks a matching word. Rendered as text, never as HTML. */
export type SearchSnippetPart = { text: string; highlight: boolean };
export type SearchSnippet = { source: SearchSnippetSource; parts: SearchSnippetPart[] };

/** ts_headline's selection markers: control characters, removed from the text before it is headlined. */
const START = "\u0001";
const STOP = "\u0002";
// Headlines parse with the plain-words configuration: a word highlights when the query's stem or its
// typed prefix starts it ("refund" marks "refunds", "escalat" marks "escalated").
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MinWords=10, MaxWords=25`;

/** Splits a headline at its markers; whitespace (line breaks of an email) becomes single spaces. */
export const headlineParts = (headline: string): SearchSnippetPart[] => {
  const parts: SearchSnippetPart[] = [];
  let text = "";
  let highlight = false;
  const flush = () => {
    const clean = text.replace(/\s+/g, " ");
    text = "";
    if (!clean) return;
    const last = parts.at(-1);
    if (last && last.highlight === highlight) last.text += clean;
    else parts.push({ text: clean, highlight });
  };
  for (const ch of headline) {
    if (ch !== START && ch !== STOP) text += ch;
    else {
      flush();
      highlight = ch === START;
    }
  }
  flush();
  return parts;
};

const hasHighlight = (parts: SearchSnippetPart[]) => parts.some((x) => x.highlight);

type Row = { id: number; source: SearchSnippetSource; body: string; headline: string; title_headline: string | null };

const snippetOf = (r: Row): SearchSnippet => {
  if (r.source === "REQUESTER") return { source: r.source, parts: [{ text: r.body, highlight: true }] };
  const parts = headlineParts(r.headline);
  // The issue's vector matched, but maybe only in the title (or across title and description).
  if (r.source === "DESCRIPTION" && !hasHighlight(parts) && r.title_headline !== null)
    return { source: "TITLE", parts: headlineParts(r.title_headline) };
  return { source: r.source, parts };
};

/**
 * The statement that reads each page row's snippet source and headline (`searchSnippets` runs it). A
 * source is read only when the ones before it did not match: the comments are probed only for a row whose
 * own text missed (a one-time gate on the row), so a page that matched in its descriptions never touches
 * the notes (at 1M issues, 0.4 ms of a 2.8 ms statement for a "printer" page).
 */
export const searchSnippetsStatement = (
  filter: Pick<ResolvedIssueListFilter, "projectId" | "tsquery" | "readConfidential"> & { tsquery: string },
  issueIds: readonly number[],
) => {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const scope = searchScope(filter);
  const clean = (text: string) => `translate(${text}, ${p(START + STOP)}, '')`;
  const head = (text: string) => clean(`left(${text}, ${SEARCH_VECTOR_HEAD_CHARS})`);
  const notes = ["NOT (i.search_vector @@ q.q)", "n.issue_id = i.id", "n.search_vector @@ q.q", "NOT n.system"];
  if (scope.notesSql !== "TRUE") notes.push(scope.notesSql);
  const candidates = [
    `SELECT 1 AS rank, 'DESCRIPTION' AS source, ${head("i.description")} AS body WHERE i.search_vector @@ q.q`,
    `(SELECT 2, CASE WHEN n.internal THEN 'INTERNAL_NOTE' ELSE 'COMMENT' END, ${head("n.body")} FROM notes n
      WHERE ${notes.join(" AND ")} ORDER BY n.id LIMIT 1)`,
    ...(scope.requester ? ["SELECT 3, 'REQUESTER', i.external_author WHERE i.requester_vector @@ q.q"] : []),
    `SELECT 4, 'TITLE', ${clean("i.title")}`,
  ];
  const options = p(HEADLINE_OPTIONS);
  return {
    sql: `WITH q AS (SELECT ${p(filter.tsquery)}::tsquery AS q)
     SELECT i.id, h.source, h.body,
            ts_headline('${SEARCH_WORDS_CONFIG}', h.body, q.q, ${options}) AS headline,
            CASE WHEN h.source = 'DESCRIPTION' THEN ts_headline('${SEARCH_WORDS_CONFIG}', ${clean("i.title")}, q.q, ${options}) END AS title_headline
     FROM issues i CROSS JOIN q
     CROSS JOIN LATERAL (
       SELECT c.source, c.body FROM (${candidates.join(" UNION ALL ")}) c ORDER BY c.rank LIMIT 1
     ) h
     WHERE i.project_id = ${p(filter.projectId)} AND i.id = ANY(${p(issueIds)}::int[])`,
    params,
  };
};

/**
 * The snippet of each of `issueIds` (a page of a list searched with `filter.search`) that matches: the first
 * of the description, the first readable comment, the requester (Reporter+) that matches, the title as a
 * last resort. An `#iid` search or no search has no snippets.
 */
export const searchSnippets = async (
  db: EntityManager,
  filter: Pick<ResolvedIssueListFilter, "projectId" | "tsquery" | "readConfidential">,
  issueIds: readonly number[],
): Promise<Map<number, SearchSnippet>> => {
  if (!filter.tsquery || issueIds.length === 0) return new Map();
  const { sql, params } = searchSnippetsStatement({ ...filter, tsquery: filter.tsquery }, issueIds);
  const rows: Row[] = await db.query(sql, params);
  return new Map(rows.map((r) => [r.id, snippetOf(r)]));
};
