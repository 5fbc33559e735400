// Issue 10.5 and 14.4: what a list's search reads and how it is resolved once per list. The tsquery of
// the words; the vectors the viewer may search (visibility.ts's rules); and, for a rare word or address,
// the candidates: the issues holding it, read from its GIN indexes before the page (list-issues.ts reads
// only them), chosen by PostgreSQL's own statistics of common lexemes.
import { type EntityManager, preparedQuery, SEARCH_CONFIG, SEARCH_WORDS_CONFIG } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { LruMap } from "../lru.ts";
import { customerAddressVisibility, noteVisibility } from "../permissions/visibility.ts";
import type { IssueListFilter } from "./list-issues.ts";

/** A plain search: at most 8 words of letters and digits, no `or` (anything else is websearch syntax). */
const plainWords = (search: string): string[] | null => {
  const words = search.split(/\s+/).filter(Boolean);
  const plain =
    words.length <= 8 && words.every((w) => /^[\p{L}\p{N}_]+$/u.test(w)) && !words.some((w) => /^or$/i.test(w));
  return plain ? words : null;
};

/**
 * A search resolved once per list: the whole tsquery, and the tsqueries every match must satisfy (one per
 * plain word; the whole query when it is only alternatives; none otherwise).
 */
export type ResolvedSearch = { tsquery: string | null; terms: string[] };

/**
 * The tsquery (as text) of a search over the vectors of migration 1765001301000, which hold English stems
 * and plain words, both without accents. A plain word matches as a prefix of either (search as you type:
 * "print" finds "printer", "refunds" finds "refund", "escalat" finds "escalated" — stored as the stem
 * `escal` —, "ruckerst" finds "Rückerstattung"), every word required; anything else (quotes, `or`, `-word`,
 * addresses) is read with websearch syntax. Computed once (one small query, then kept:
 * RESOLVED_SEARCHES_KEPT), so the list's statements carry a constant the planner can estimate, and a word
 * whose stem is itself is looked up once. tsquery is null when nothing is left to search for.
 */
export const resolveSearch = (db: EntityManager, search: string): Promise<ResolvedSearch> => {
  let cache = resolvedSearches.get(db.connection);
  if (!cache) {
    cache = new LruMap<string, Promise<ResolvedSearch>>(RESOLVED_SEARCHES_KEPT);
    resolvedSearches.set(db.connection, cache);
  }
  const kept = cache.get(search);
  if (kept) return kept;
  const pending = resolveSearchNow(db, search);
  // A failed resolution is forgotten, unless another for the same text has taken its place since.
  pending.catch(() => cache.peek(search) === pending && cache.delete(search));
  cache.set(search, pending);
  return pending;
};

/**
 * Issue 14.4: a search's tsquery depends on its text and the text search configurations only, which change
 * with a migration (a new release, a restart), never while the api runs. So each data source keeps the
 * last searches it resolved, and a list that repeats one (the next page, the state tabs, a live refresh, a
 * colleague's same search) sends one statement less.
 */
export const RESOLVED_SEARCHES_KEPT = 1_000;

/**
 * The longest search the lists take, spaces around it aside (a saved view stores the same): longer is
 * refused with SEARCH_TOO_LONG, not cut. Unbounded, a search of a megabyte was resolved by PostgreSQL and
 * kept among the RESOLVED_SEARCHES_KEPT, with its tsquery: a thousand of them held gigabytes.
 */
export const MAX_SEARCH_CHARS = 255;
export const SEARCH_TOO_LONG = `Search is too long (maximum is ${MAX_SEARCH_CHARS} characters).`;
export const searchTooLong = (search: string | null | undefined): boolean =>
  (search?.trim().length ?? 0) > MAX_SEARCH_CHARS;
/** Refuses a search longer than MAX_SEARCH_CHARS with SEARCH_TOO_LONG, as every list that searches does. */
export const refuseLongSearch = (search: string | null | undefined): void => {
  if (searchTooLong(search)) throw new DomainError("INVALID_INPUT", SEARCH_TOO_LONG);
};
const resolvedSearches = new WeakMap<object, LruMap<string, Promise<ResolvedSearch>>>();

const resolveSearchNow = async (db: EntityManager, search: string): Promise<ResolvedSearch> => {
  const plain = plainWords(search);
  if (!plain) {
    const [row] = await preparedQuery<{ q: string }>(
      db,
      `SELECT (websearch_to_tsquery('${SEARCH_CONFIG}', $1) || websearch_to_tsquery('${SEARCH_WORDS_CONFIG}', $1))::text AS q`,
      [search],
    );
    // An address or a few alternatives (`a | b`) is one condition the candidates can come from; with `&`,
    // a phrase or a negation the whole query is not (the rarest part would need parsing the tree).
    return { tsquery: row.q || null, terms: row.q && !/[!&<]/.test(row.q) ? [row.q] : [] };
  }
  const rows = await preparedQuery<{ stem: string; word: string }>(
    db,
    `SELECT to_tsquery('${SEARCH_CONFIG}', w || ':*')::text AS stem, to_tsquery('${SEARCH_WORDS_CONFIG}', w || ':*')::text AS word
     FROM unnest($1::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n`,
    [plain],
  );
  const words = rows
    .map((r) => [...new Set([r.stem, r.word].filter(Boolean))].map((q) => `(${q})`).join(" | "))
    .filter(Boolean);
  return { tsquery: words.length ? words.map((t) => `(${t})`).join(" & ") : null, terms: words };
};

/** What a list's search reads for this viewer: the rules are visibility.ts's, not restated here. */
export const searchScope = (f: Pick<IssueListFilter, "readConfidential">) => {
  const abilities = { readProject: true, readConfidential: f.readConfidential };
  return {
    /** Below Reporter the requester's address is obfuscated (item 32), so it must not be searchable either. */
    requester: customerAddressVisibility.allows(abilities),
    /** Internal notes are searched only by who may read them. */
    internalNotes: noteVisibility.allows(abilities, { internal: true }),
    /** The notes a snippet may quote, as SQL on `notes n`. */
    notesSql: noteVisibility.sql(abilities, "n"),
  };
};

/**
 * The issue's own text, its public comments and, as the viewer may read them, its internal notes and its
 * requester: GIN-indexed vectors of the issues row (migration 1765001301000), so the planner meets a
 * common word within a few rows of the sort index and takes a rare one from the indexes (BitmapOr).
 * `indexed: false` writes the same test as `ts_match_vq` (the function behind `@@`), which no index
 * answers: for a word known to be common, a capped count then walks its index and stops at the cap.
 */
export const searchMatches = (
  f: Pick<IssueListFilter, "readConfidential">,
  query: string,
  how: { indexed: boolean } = { indexed: true },
) =>
  `(${searchVectors(f)
    .map((v) => (how.indexed ? `i.${v} @@ ${query}` : `ts_match_vq(i.${v}, ${query})`))
    .join(" OR ")})`;

/**
 * Issue 14.4: a list walks its sort order and stops at a page, which is right when matches are common. A
 * rare condition (an order number, a customer's odd word) makes that walk read the whole project: 13.9 s
 * cold, 4.3 s warm for "order 4242" at 1M issues, where the planner took the unknown word for a common one.
 * So a search whose rarest word (or address) is rare is driven from its own GIN indexes: its issues (at
 * most this many) are the candidates, and the page and the count read only them (1 ms each at 1M).
 */
export const ISSUE_DRIVE_CAP = 5_000;

/** A term above this share of issues (by the planner's statistics) is common: the sort-order walk meets it soon. */
const COMMON_TERM_SHARE = 0.01;

/** The vectors a list's search reads, as columns of `issues` (one source with searchMatches). */
const searchVectors = (f: Pick<IssueListFilter, "readConfidential">) => {
  const scope = searchScope(f);
  return [
    "search_vector",
    "comments_vector",
    ...(scope.internalNotes ? ["internal_notes_vector"] : []),
    ...(scope.requester ? ["requester_vector"] : []),
  ];
};

/** PostgreSQL's most common lexemes of each search vector with their share of issues (ANALYZE's sample). */
type LexemeStats = { column: string; lexemes: string[]; shares: number[] }[];
const STATS_TTL_MS = 60_000;
const lexemeStatsCache = new WeakMap<object, { at: number; stats: Promise<LexemeStats> }>();

const lexemeStats = (db: EntityManager): Promise<LexemeStats> => {
  const cached = lexemeStatsCache.get(db.connection);
  if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.stats;
  const stats: Promise<LexemeStats> = db
    .query(
      `SELECT attname AS column, most_common_elems::text::text[] AS lexemes, most_common_elem_freqs AS shares
       FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'issues' AND attname LIKE '%\\_vector'`,
    )
    // A vector without common lexemes (every row empty, or too few rows) has none: null, not an empty array.
    .then((rows: LexemeStats) =>
      rows.map((r) => ({ column: r.column, lexemes: r.lexemes ?? [], shares: (r.shares ?? []).map(Number) })),
    );
  lexemeStatsCache.set(db.connection, { at: Date.now(), stats });
  stats.catch(() => lexemeStatsCache.delete(db.connection));
  return stats;
};

/**
 * The share of issues a word's tsquery (`('stem':*) | ('word':*)`) matches in the vector where it is most
 * common, by the most common lexemes; 0 for a word that is none of them nor a prefix of one (rare).
 */
export const termShare = (term: string, stats: LexemeStats, vectors: string[]) => {
  const lexemesOfTerm = [...term.matchAll(/'((?:[^']|'')*)'(:\*)?/g)].map((m) => ({
    lexeme: m[1].replaceAll("''", "'"),
    prefix: m[2] !== undefined,
  }));
  let most = 0;
  for (const { column, lexemes, shares } of stats) {
    if (!vectors.includes(column)) continue;
    let share = 0;
    lexemes.forEach((lexeme, i) => {
      if (lexemesOfTerm.some((t) => lexeme === t.lexeme || (t.prefix && lexeme.startsWith(t.lexeme))))
        share += shares[i];
    });
    most = Math.max(most, share);
  }
  return most;
};

/** The issues of the project whose readable vectors hold the word (its GIN indexes only, no sort walk). */
export const searchCandidatesSql = (f: Pick<IssueListFilter, "projectId" | "readConfidential">, term: string) => ({
  sql: `SELECT i.id FROM issues i WHERE i.project_id = $1 AND ${searchMatches(f, "$2::tsquery")}`,
  params: [f.projectId, term],
});

/**
 * A search whose every word is in at least this share of the issues (by the statistics) is tested row by row
 * as a capped count walks its index (`searchMatches`' `indexed: false`): the walk meets its 1,001st match
 * within 10,000 rows whatever the project's size, while the planner, which can take such a prefix word for
 * rare (it estimated "printer", in a fifth of the issues, at 2 %), gathered every match from the word's
 * indexes first: 57 ms a count at 100k issues against 6. Below it the planner chooses, and chooses well: a
 * word in 1 of 13 issues ("courier") under a filter with fewer than 1,001 matches is cheaper gathered.
 */
const WALK_TERM_SHARE = 0.1;

/**
 * How a list reads its search: `candidateIds`, the issues holding its rarest word when that word is rare
 * (read from its indexes); `walk`, whether its words are common enough for counts to test rows as they walk.
 */
export type SearchPlan = { candidateIds: number[] | null; walk: boolean };

export const planSearch = async (
  db: EntityManager,
  f: Pick<IssueListFilter, "projectId" | "readConfidential">,
  terms: string[],
): Promise<SearchPlan> => {
  if (terms.length === 0) return { candidateIds: null, walk: false };
  const stats = await lexemeStats(db);
  const vectors = searchVectors(f);
  const [rarest] = terms
    .map((term) => ({ term, share: termShare(term, stats, vectors) }))
    .sort((a, b) => a.share - b.share);
  if (rarest.share >= COMMON_TERM_SHARE) return { candidateIds: null, walk: rarest.share >= WALK_TERM_SHARE };
  const { sql, params } = searchCandidatesSql(f, rarest.term);
  const rows: { id: number }[] = await db.query(sql, params);
  // Rarer by the statistics than it is: the walk it is.
  return { candidateIds: rows.length <= ISSUE_DRIVE_CAP ? rows.map((r) => r.id) : null, walk: false };
};
