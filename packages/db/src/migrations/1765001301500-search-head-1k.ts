import type { MigrationInterface, QueryRunner } from "typeorm";
import {
  BACKFILL_ISSUE_NOTE_VECTORS,
  ISSUE_SEARCH_EXPRESSION as ISSUE_2K,
  NOTE_SEARCH_EXPRESSION as NOTE_2K,
  searchVectorOf,
} from "./1765001301000-search-that-finds.ts";

/**
 * Issue 14.3: how much of a description (and of each note's body) the search vectors read. Measured on
 * this machine, parsing text into the two vectors of migration 1765001301000 costs PostgreSQL ~270 µs of
 * CPU per 2 KB per configuration: ~0.5 ms of the ~0.6 ms an email's new issue costs the server, the
 * largest single cost of ingest. The first 1,024 characters hold a support email's subject matter (the
 * greeting, the problem, the order number); quoted history and signatures follow.
 */
export const SEARCH_VECTOR_HEAD_CHARS = 1024;

const issueExpression = (chars: number) =>
  searchVectorOf(`coalesce("title", '') || ' ' || left(coalesce("description", ''), ${chars})`);
const noteExpression = (chars: number) => searchVectorOf(`left("body", ${chars})`);

/** The vectors the entities declare (issue.entity.ts, note.entity.ts). */
export const ISSUE_SEARCH_EXPRESSION = issueExpression(SEARCH_VECTOR_HEAD_CHARS);
export const NOTE_SEARCH_EXPRESSION = noteExpression(SEARCH_VECTOR_HEAD_CHARS);

/**
 * Issue 14.3: the issue's and each note's search vector read the first 1,024 characters instead of 2,048
 * (PostgreSQL 18's SET EXPRESSION recomputes the column and keeps its index); the issues' comment vectors,
 * which join their notes' vectors, are joined again.
 */
export class SearchHead1k1765001301500 implements MigrationInterface {
  name = "SearchHead1k1765001301500";

  async up(q: QueryRunner) {
    await this.set(q, ISSUE_SEARCH_EXPRESSION, NOTE_SEARCH_EXPRESSION);
  }

  async down(q: QueryRunner) {
    await this.set(q, ISSUE_2K, NOTE_2K);
  }

  private async set(q: QueryRunner, issue: string, note: string) {
    await q.query(`ALTER TABLE "issues" ALTER COLUMN "search_vector" SET EXPRESSION AS (${issue})`);
    await q.query(`ALTER TABLE "notes" ALTER COLUMN "search_vector" SET EXPRESSION AS (${note})`);
    await q.query(BACKFILL_ISSUE_NOTE_VECTORS);
    for (const [table, expr] of [
      ["issues", issue],
      ["notes", note],
    ]) {
      await q.query(
        `UPDATE "typeorm_metadata" SET "value" = $3
          WHERE "type" = 'GENERATED_COLUMN' AND "table" = $1 AND "name" = $2 AND "database" = current_database()`,
        [table, "search_vector", expr],
      );
    }
  }
}
