import type { MigrationInterface, QueryRunner } from "typeorm";
import {
  SEARCH_VECTOR_EXPRESSION as HEAD_EXPRESSION,
  SEARCH_VECTOR_HEAD_CHARS,
} from "./1765000900100-search-vector-head.ts";

/**
 * Issue 10.5: the text search configuration every search vector, query and snippet uses.
 *
 * Accents: PostgreSQL's `unaccent()` is only STABLE (it reads its dictionary by name at run time), so it
 * cannot appear in a stored generated column or an index expression directly. Instead of an IMMUTABLE
 * SQL wrapper around it, `unaccent` is used as what it also is — a filtering text search dictionary — in
 * a configuration copied from `english`: words with non-ASCII letters go through `unaccent` and then the
 * English stemmer, ASCII words through the stemmer alone. `to_tsvector(regconfig, text)` with a constant
 * configuration is IMMUTABLE, so the vectors stay stored and GIN-indexed; one configuration serves the
 * vectors, `to_tsquery` and `ts_headline` (so a snippet highlights "Rückerstattung" for "ruckerstattung"),
 * and there is no wrapper whose immutability we would be promising by hand.
 */
export const SEARCH_CONFIG = "tidings_search";

/** Title and the head of the description (issue 14.3's cost bound); no longer the requester (see below). */
export const ISSUE_SEARCH_EXPRESSION = `to_tsvector('${SEARCH_CONFIG}', coalesce("title", '') || ' ' || left(coalesce("description", ''), ${SEARCH_VECTOR_HEAD_CHARS}))`;

/**
 * The requester's address, its domain and the domain's labels ("jane@mail.acme.com mail.acme.com mail acme
 * com"), in a vector of its own: it is searched only by viewers who may read the address (Reporter+).
 */
export const REQUESTER_SEARCH_EXPRESSION = `to_tsvector('${SEARCH_CONFIG}', coalesce("external_author", '') || ' ' || split_part(coalesce("external_author", ''), '@', 2) || ' ' || translate(split_part(coalesce("external_author", ''), '@', 2), '.', ' '))`;

/** Comments and internal notes: the head of the body, as for descriptions. */
export const NOTE_SEARCH_EXPRESSION = `to_tsvector('${SEARCH_CONFIG}', left("body", ${SEARCH_VECTOR_HEAD_CHARS}))`;

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

/**
 * Issue 10.5, search that finds: stemmed, accent-insensitive vectors over the title and description head,
 * the requester (separately) and each comment's head. Adding the stored generated columns computes them
 * for every existing row (the backfill); the GIN indexes are built afterwards. System notes are left out
 * of the notes index (they record events and may name customers' addresses).
 */
export class SearchThatFinds1765001301000 implements MigrationInterface {
  name = "SearchThatFinds1765001301000";

  async up(q: QueryRunner) {
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}" (COPY = pg_catalog.english)`);
    await q.query(
      `ALTER TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}" ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem`,
    );
    await q.query(`DROP INDEX IF EXISTS "idx_issues_search"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "search_vector"`);
    await q.query(
      `ALTER TABLE "issues" ADD "search_vector" tsvector GENERATED ALWAYS AS (${ISSUE_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "issues" ADD "requester_vector" tsvector GENERATED ALWAYS AS (${REQUESTER_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(
      `ALTER TABLE "notes" ADD "search_vector" tsvector GENERATED ALWAYS AS (${NOTE_SEARCH_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(`CREATE INDEX "idx_issues_search" ON "issues" USING GIN ("search_vector")`);
    await q.query(`CREATE INDEX "idx_issues_requester_search" ON "issues" USING GIN ("requester_vector")`);
    await q.query(`CREATE INDEX "idx_notes_search" ON "notes" USING GIN ("search_vector") WHERE NOT "system"`);
    await setMetadata(q, "issues", "search_vector", ISSUE_SEARCH_EXPRESSION);
    await setMetadata(q, "issues", "requester_vector", REQUESTER_SEARCH_EXPRESSION);
    await setMetadata(q, "notes", "search_vector", NOTE_SEARCH_EXPRESSION);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX "idx_notes_search"`);
    await q.query(`DROP INDEX "idx_issues_requester_search"`);
    await q.query(`DROP INDEX "idx_issues_search"`);
    await q.query(`ALTER TABLE "notes" DROP COLUMN "search_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "requester_vector"`);
    await q.query(`ALTER TABLE "issues" DROP COLUMN "search_vector"`);
    await q.query(
      `ALTER TABLE "issues" ADD "search_vector" tsvector GENERATED ALWAYS AS (${HEAD_EXPRESSION}) STORED NOT NULL`,
    );
    await q.query(`CREATE INDEX "idx_issues_search" ON "issues" USING GIN ("search_vector")`);
    await setMetadata(q, "notes", "search_vector", null);
    await setMetadata(q, "issues", "requester_vector", null);
    await setMetadata(q, "issues", "search_vector", HEAD_EXPRESSION);
    await q.query(`DROP TEXT SEARCH CONFIGURATION "${SEARCH_CONFIG}"`);
    await q.query(`DROP EXTENSION IF EXISTS unaccent`);
  }
}
