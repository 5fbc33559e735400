import type { MigrationInterface, QueryRunner } from "typeorm";
import {
  SEARCH_VECTOR_EXPRESSION as HEAD_EXPRESSION,
  SEARCH_VECTOR_HEAD_CHARS,
} from "./1765000900100-search-vector-head.ts";

/**
 * Issue 10.5: the two text search configurations of every search vector, query and snippet.
 *
 * Accents: PostgreSQL's `unaccent()` is only STABLE (it reads its dictionary by name at run time), so it
 * cannot appear in a stored generated column or an index expression directly. Instead of an IMMUTABLE
 * SQL wrapper around it, `unaccent` is used as what it also is — a filtering text search dictionary — in
 * configurations: `tidings_search` (a copy of `english`: words with non-ASCII letters go through `unaccent`,
 * then the English stemmer) and `tidings_words` (a copy of `simple`: every word through `unaccent`, not
 * stemmed). `to_tsvector(regconfig, text)` with a constant configuration is IMMUTABLE, so the vectors stay
 * stored and GIN-indexed, and there is no wrapper whose immutability we would be promising by hand.
 *
 * Both forms are indexed because a prefix typed past a word's stem misses the stem: "escalated" is stored
 * as the stem `escal`, and "escalat" (stemmed: `escalat`) is no prefix of it — but it is one of the word
 * `escalated`. A search word matches either form (see searchTsQuery in core).
 */
export const SEARCH_CONFIG = "tidings_search";
export const SEARCH_WORDS_CONFIG = "tidings_words";

/** A text's vector: its English stems and its plain words, both without accents. */
export const searchVectorOf = (text: string) =>
  `(to_tsvector('${SEARCH_CONFIG}', ${text}) || to_tsvector('${SEARCH_WORDS_CONFIG}', ${text}))`;

/** Title and the head of the description (issue 14.3's cost bound); no longer the requester (see below). */
export const ISSUE_SEARCH_EXPRESSION = searchVectorOf(
  `coalesce("title", '') || ' ' || left(coalesce("description", ''), ${SEARCH_VECTOR_HEAD_CHARS})`,
);

/**
 * The requester's address, its domain and the domain's labels ("jane@mail.acme.com mail.acme.com mail acme
 * com"), in a vector of its own: it is searched only by viewers who may read the address (Reporter+).
 */
export const REQUESTER_SEARCH_EXPRESSION = searchVectorOf(
  `coalesce("external_author", '') || ' ' || split_part(coalesce("external_author", ''), '@', 2) || ' ' || translate(split_part(coalesce("external_author", ''), '@', 2), '.', ' ')`,
);

/** Each note's own vector (the head of its body, as for descriptions); the issue's comment vectors join them. */
export const NOTE_SEARCH_EXPRESSION = searchVectorOf(`left("body", ${SEARCH_VECTOR_HEAD_CHARS})`);

/**
 * The issue's comment vectors from its notes' stored vectors (concatenated, not parsed again): public
 * comments, and internal notes apart (they are searched only by viewers who may read them); system
 * notes never (they record events and may name customers' addresses). `$1` is the issue id.
 */
const REFRESH_ISSUE_NOTE_VECTORS = `
  UPDATE issues SET
    comments_vector = coalesce((SELECT tidings_tsvector_agg(search_vector) FROM notes WHERE issue_id = $1 AND NOT system AND NOT internal), ''),
    internal_notes_vector = coalesce((SELECT tidings_tsvector_agg(search_vector) FROM notes WHERE issue_id = $1 AND NOT system AND internal), '')
  WHERE id = $1`;

const setMetadata = async (q: QueryRunner, table: string, column: string, expr: string | null) => {
  await q.query(
    `DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = $1 AND "name" = $2 AND "database" = current_database()`,
    [table, column],
  );
  if (expr !== null)
    await q.query(
      `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value")
       VALUES (current_database(), 'public', $1, 'GENERATED_COLUMN', $2, $3)`,
      [table, column, expr],
    );
};

/** Every issue's comment vectors at once (the backfill; the benchmark's generator uses it too). */
export const BACKFILL_ISSUE_NOTE_VECTORS = `
  UPDATE issues i SET comments_vector = v.comments, internal_notes_vector = v.internal
  FROM (
    SELECT issue_id,
           coalesce(tidings_tsvector_agg(search_vector) FILTER (WHERE NOT internal), '') AS comments,
           coalesce(tidings_tsvector_agg(search_vector) FILTER (WHERE internal), '') AS internal
    FROM notes WHERE NOT system GROUP BY issue_id
  ) v
  WHERE v.issue_id = i.id`;

/**
 * Issue 10.5, search that finds: stemmed, accent-insensitive vectors on the issue for the title and
 * description head, the requester (separately: Reporter+ only), its public comments and its internal
 * notes (separately: Reporter+ only), each GIN-indexed.
 *
 * Comments live on the issue, not only on the notes: a list filters and sorts issues, and a search on a
 * notes index joined back (EXISTS / IN) was measured at 100k issues and 185k notes at 0.17–1.3 s per page,
 * because the planner cannot estimate prefix matches (`'printer':*`) and walked every issue probing its
 * notes. On the issue, every part of a search is an OR of GIN-indexed columns of one table, planned like
 * the title search before it. A trigger keeps the issue's comment vectors equal to the concatenation of
 * its notes' stored vectors on every insert, edit, delete or move of a note (concatenation does not parse
 * the text again). Adding the columns computes them for every existing row (the backfill).
 */
export class SearchThatFinds1765001301000 implements MigrationInterface {
  name = "SearchThatFinds1765001301000";

  async up(q: QueryRunner) {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}" (COPY = pg_catalog.english)`);
    await q.query(
      `ALTER TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}" ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem`,
    );
    await q.query(`CREATE TEXT SEARCH CONFIGURATION "${SEARCH_WORDS_CONFIG}" (COPY = pg_catalog.simple)`);
    await q.query(
      `ALTER TEXT SEARCH CONFIGURATION "${SEARCH_WORDS_CONFIG}" ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, hword, hword_part, word WITH unaccent, simple`,
    );
    await q.query(`DROP INDEX IF EXISTS "idx_issues_search"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "search_vector"`);
    await q.query(
      `ALTER TABLE "issues" ADD "search_vector" tsvector GENERATED ALWAYS AS (${ISSUE_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "issues" ADD "requester_vector" tsvector GENERATED ALWAYS AS (${REQUESTER_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(`ALTER TABLE "issues" ADD "comments_vector" tsvector NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE "issues" ADD "internal_notes_vector" tsvector NOT NULL DEFAULT ''`);
    await q.query(
      `ALTER TABLE "notes" ADD "search_vector" tsvector GENERATED ALWAYS AS (${NOTE_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(`CREATE AGGREGATE tidings_tsvector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector)`);
    await q.query(
      `CREATE FUNCTION tidings_refresh_issue_note_vectors(int) RETURNS void LANGUAGE sql AS $fn$${REFRESH_ISSUE_NOTE_VECTORS}$fn$`,
    );
    await q.query(
      `CREATE FUNCTION tidings_notes_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $fn$
       BEGIN
         IF TG_OP <> 'INSERT' THEN PERFORM tidings_refresh_issue_note_vectors(OLD.issue_id); END IF;
         IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.issue_id <> OLD.issue_id) THEN
           PERFORM tidings_refresh_issue_note_vectors(NEW.issue_id);
         END IF;
         RETURN NULL;
       END $fn$`,
    );
    await q.query(
      `CREATE TRIGGER "trg_notes_search" AFTER INSERT OR DELETE OR UPDATE OF "body", "internal", "system", "issue_id"
       ON "notes" FOR EACH ROW EXECUTE FUNCTION tidings_notes_search_trigger()`,
    );
    await q.query(BACKFILL_ISSUE_NOTE_VECTORS);
    await q.query(`CREATE INDEX "idx_issues_search" ON "issues" USING GIN ("search_vector")`);
    await q.query(`CREATE INDEX "idx_issues_requester_search" ON "issues" USING GIN ("requester_vector")`);
    await q.query(`CREATE INDEX "idx_issues_comments_search" ON "issues" USING GIN ("comments_vector")`);
    await q.query(`CREATE INDEX "idx_issues_internal_notes_search" ON "issues" USING GIN ("internal_notes_vector")`);
    await setMetadata(q, "issues", "search_vector", ISSUE_SEARCH_EXPRESSION);
    await setMetadata(q, "issues", "requester_vector", REQUESTER_SEARCH_EXPRESSION);
    await setMetadata(q, "notes", "search_vector", NOTE_SEARCH_EXPRESSION);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP TRIGGER "trg_notes_search" ON "notes"`);
    await q.query(`DROP FUNCTION tidings_notes_search_trigger()`);
    await q.query(`DROP FUNCTION tidings_refresh_issue_note_vectors(int)`);
    await q.query(`DROP AGGREGATE tidings_tsvector_agg(tsvector)`);
    await q.query(`DROP INDEX "idx_issues_internal_notes_search"`);
    await q.query(`DROP INDEX "idx_issues_comments_search"`);
    await q.query(`DROP INDEX "idx_issues_requester_search"`);
    await q.query(`DROP INDEX "idx_issues_search"`);
    await q.query(`ALTER TABLE "notes" DROP COLUMN "search_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "internal_notes_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "comments_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "requester_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "search_vector"`);
    await q.query(
      `ALTER TABLE "issues" ADD "search_vector" tsvector GENERATED ALWAYS AS (${HEAD_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(`CREATE INDEX "idx_issues_search" ON "issues" USING GIN ("search_vector")`);
    await setMetadata(q, "notes", "search_vector", null);
    await setMetadata(q, "issues", "requester_vector", null);
    await setMetadata(q, "issues", "search_vector", HEAD_EXPRESSION);
    await q.query(`DROP TEXT SEARCH CONFIGURATION "${SEARCH_WORDS_CONFIG}"`);
    await q.query(`DROP TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}"`);
    await q.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
