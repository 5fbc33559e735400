import type { MigrationInterface, QueryRunner } from "typeorm";

/** The indexes and the list order each holds. */
const INDEXES = [
  ["idx_issues_labelled_created", "created_at"],
  ["idx_issues_labelled_updated", "updated_at"],
] as const;

/** The list orders (sort columns) a page filtered by labels can walk: the lists' side of these indexes. */
export const LABELLED_WALK_COLUMNS: readonly string[] = INDEXES.map(([, column]) => column);

/** What a list filtered by labels tests on each issue it walks, besides the labels (issueListWhere). */
const COVERED = `"author_id", "confidential", "awaiting_reply_since", "label_ids"`;

/**
 * Issue 14.4: a list filtered by two labels whose combination is rare (at 1M issues, "bug" on every 5th and
 * "urgent" on every 97th: 2,061 issues) gathered every match from the labels' GIN index and read each one's
 * row to sort them: 2,053 heap pages and 8–15 ms of SQL for a page of 50, the slowest list at 1M.
 *
 * These indexes hold the labelled issues only (`label_ids <> '{}'`: every issue an email opens has none, so
 * ingest writes no entry), in the two orders a label list is read in, with what its filters test on each
 * issue. A page filtered by labels walks one of them index-only, newest (or oldest) first, tests the labels,
 * author, visibility and "needs reply" in the index, and stops at the page's end; only the page's own rows
 * are then read by id (`issueListSql`). At 1M: 7,900 index entries walked, 1.8 ms, then 51 rows.
 * The planner still gathers from the GIN index when the labels' statistics say their issues are fewer than
 * a walk would pass.
 */
export class LabelledListWalk1765001302600 implements MigrationInterface {
  name = "LabelledListWalk1765001302600";

  async up(q: QueryRunner) {
    for (const [name, column] of INDEXES)
      await q.query(
        `CREATE INDEX "${name}" ON "issues" ("project_id", "state", "${column}", "id") INCLUDE (${COVERED}) WHERE "label_ids" <> '{}'`,
      );
  }

  async down(q: QueryRunner) {
    for (const [name] of INDEXES) await q.query(`DROP INDEX "${name}"`);
  }
}
