import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The most a GIN index's pending list may hold before the insert that overfills it merges it into the
 * index, in kB (PostgreSQL's `gin_pending_list_limit` storage parameter; its default is 4 MB).
 *
 * Issue 14.4 (reads that stay fast at 1M issues while mail arrives): a GIN index (`fastupdate`, on by
 * default) queues each new row's entries in an unsorted pending list, and every search through the index
 * reads the whole list. Autovacuum empties it only after a fifth of the table has been inserted (200,000
 * issues at 1M), so between its passes the list grows to the limit. Measured at 1M issues: a rare search's
 * candidates took 0.95 ms with the list empty and 4.7 ms after 6,000 arrivals (229 pages of 512). At 256 kB
 * the list never exceeds 32 pages (~0.5 ms), and the merge costs the same per issue: backend CPU per
 * inserted issue, merges included, 0.21–0.23 ms at 256 kB against 0.22–0.33 ms at 4 MB in the same run.
 * Each merge is small (tens of ms, inside one applied batch), not 4 MB at once.
 * Every GIN index carries it: packages/db/src/migrations/gin-pending-bound.int.test.ts.
 */
export const GIN_PENDING_LIST_LIMIT_KB = 256;

const GIN_INDEXES = [
  "idx_issues_search",
  "idx_issues_requester_search",
  "idx_issues_comments_search",
  "idx_issues_internal_notes_search",
  "idx_issues_label_ids",
];

export class GinPendingBound1765001302300 implements MigrationInterface {
  name = "GinPendingBound1765001302300";

  async up(q: QueryRunner) {
    for (const index of GIN_INDEXES)
      await q.query(`ALTER INDEX "${index}" SET (gin_pending_list_limit = ${GIN_PENDING_LIST_LIMIT_KB})`);
  }

  async down(q: QueryRunner) {
    for (const index of GIN_INDEXES) await q.query(`ALTER INDEX "${index}" RESET (gin_pending_list_limit)`);
  }
}
