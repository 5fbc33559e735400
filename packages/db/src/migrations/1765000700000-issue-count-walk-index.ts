import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Issue 14.4: the capped count ("1,000+") of a filtered issue list walks one index in its own order and
 * stops after 1,001 matches. The covering index of migration 1763730000010 gains `id` as its last key
 * column: `ORDER BY author_id, id` is then that index's order even when the author (and the state) are
 * fixed, so the count is an index-only walk (ids for the label / assignee probes, `confidential` for
 * viewers below Reporter) and never a sequential scan of the project's issues. Same size, same
 * maintenance cost per insert: it replaces the old one.
 */
export class IssueCountWalkIndex1765000700000 implements MigrationInterface {
  name = "IssueCountWalkIndex1765000700000";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_issues_project_state_author_id_cover" ON "issues" ("project_id", "state", "author_id", "id") INCLUDE ("confidential")`,
    );
    await q.query(`DROP INDEX IF EXISTS "idx_issues_project_state_author_cover"`);
  }

  async down(q: QueryRunner) {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_issues_project_state_author_cover" ON "issues" ("project_id", "state", "author_id") INCLUDE ("id", "confidential")`,
    );
    await q.query(`DROP INDEX IF EXISTS "idx_issues_project_state_author_id_cover"`);
  }
}
