import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * How many of an issue's notes' words its comment vectors hold (each vector: public comments, internal
 * notes): lexemes, each an entry in the vector's GIN index, and stored bytes. The newest notes that fit.
 */
export const ISSUE_NOTE_VECTOR_LEXEMES = 4000;
export const ISSUE_NOTE_VECTOR_BYTES = 128 * 1024;
/** The newest notes of each kind weighed against the budget; older ones are never read. */
export const ISSUE_NOTE_VECTOR_NOTES = 200;

/** The vector of an issue's newest notes (`$1`) of one kind, within the budget, in the order written. */
const newestWithinBudget = (internal: boolean) => `coalesce((
    SELECT tidings_tsvector_agg(v ORDER BY created_at, id) FROM (
      SELECT v, created_at, id,
             sum(length(v)) OVER newest AS lexemes, sum(pg_column_size(v)) OVER newest AS bytes
        FROM (SELECT search_vector AS v, created_at, id FROM notes
               WHERE issue_id = $1 AND NOT system AND ${internal ? "" : "NOT "}internal
               ORDER BY created_at DESC, id DESC LIMIT ${ISSUE_NOTE_VECTOR_NOTES}) n
      WINDOW newest AS (ORDER BY created_at DESC, id DESC ROWS UNBOUNDED PRECEDING)
    ) kept WHERE lexemes <= ${ISSUE_NOTE_VECTOR_LEXEMES} AND bytes <= ${ISSUE_NOTE_VECTOR_BYTES}), '')`;

const BOUNDED_REFRESH = `
  UPDATE issues SET comments_vector = ${newestWithinBudget(false)}, internal_notes_vector = ${newestWithinBudget(true)}
  WHERE id = $1`;

/** Migration 1765001301000's refresh (every note of the issue), for going down. */
const UNBOUNDED_REFRESH = `
  UPDATE issues SET
    comments_vector = coalesce((SELECT tidings_tsvector_agg(search_vector) FROM notes WHERE issue_id = $1 AND NOT system AND NOT internal), ''),
    internal_notes_vector = coalesce((SELECT tidings_tsvector_agg(search_vector) FROM notes WHERE issue_id = $1 AND NOT system AND internal), '')
  WHERE id = $1`;

/**
 * Issue 14.3 (costs that stay flat as data grows), the thread: the issue's comment vectors (migration
 * 1765001301000) joined every note's vector, again on every note, edit or move. A thread that keeps growing
 * (a monitor mailing the desk, months of replies) made each note cost more than the last: in the test
 * below, 300 notes of 60 words took 21 s to add and 700 took 160 s; every later change to the issue's row
 * (a state, a label, the customer's last activity) wrote all their words into the GIN indexes again. And
 * PostgreSQL refuses a tsvector over 1 MB: an issue holding 520 notes of hashes or order numbers (a note's
 * first 1,024 characters are read: 31 such words) took no more notes well before its thousandth ("string is
 * too long for tsvector") — no reply from the customer, no answer from the team.
 *
 * Now each vector holds the newest notes of its kind that fit in 4,000 lexemes and 128 kB, of at most the
 * newest 200: once the budget is full a note costs no more on the thousandth note, and an issue's row stays small
 * enough to change. A thread of a few dozen notes is searchable whole, as before; in a longer one the
 * search finds the issue by its title, description and newest notes (its older notes are still shown in
 * the thread, not found by the list's search). The same 300 notes take 8 s. Issues already over the budget
 * are refreshed here. The test: packages/core/src/issues/long-thread.int.test.ts.
 */
/** Makes `refresh` the trigger's, and refreshes the issues it can change. */
const useRefresh = async (q: QueryRunner, refresh: string) => {
  await q.query(
    `CREATE OR REPLACE FUNCTION tidings_refresh_issue_note_vectors(int) RETURNS void LANGUAGE sql AS $fn$${refresh}$fn$`,
  );
  // Only a vector stored larger than 4 kB can be over budget (4,000 lexemes); reading the sizes does not
  // read the vectors.
  await q.query(
    `SELECT tidings_refresh_issue_note_vectors(id) FROM issues
      WHERE pg_column_size(comments_vector) > 4096 OR pg_column_size(internal_notes_vector) > 4096`,
  );
};

export class CommentVectorsBound1765001302500 implements MigrationInterface {
  name = "CommentVectorsBound1765001302500";

  async up(q: QueryRunner) {
    await useRefresh(q, BOUNDED_REFRESH);
  }

  async down(q: QueryRunner) {
    await useRefresh(q, UNBOUNDED_REFRESH);
  }
}
