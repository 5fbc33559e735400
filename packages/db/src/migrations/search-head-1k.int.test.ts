// Migration 1765001301500 on a database that already holds an issue and a note: after it, a word within
// the first 1,024 characters of a description or a comment is found and a word past them is not (the cost
// bound of issue 14.3); going down reads 2,048 characters again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAndMigrate } from "../data-source.ts";
import { insertMinimalProject } from "../testing/minimal-project.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { undoMigrationsFrom } from "../testing/undo-migrations.ts";
import { SEARCH_VECTOR_HEAD_CHARS } from "./1765001301500-search-head-1k.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

/** Filler of `n` characters that matches none of the words looked for. */
const filler = (n: number) => "lorem ".repeat(Math.ceil(n / 6)).slice(0, n);

const found = async (column: "search_vector" | "comments_vector", word: string) => {
  const rows: unknown[] = await db.dataSource.query(
    `SELECT 1 FROM issues WHERE ${column} @@ to_tsquery('tidings_words', $1)`,
    [word],
  );
  return rows.length > 0;
};

it("reads the first 1,024 characters of descriptions and comments, and goes back down to 2,048", async () => {
  const ds = db.dataSource;
  expect(SEARCH_VECTOR_HEAD_CHARS).toBe(1024);
  const { userId, projectId } = await insertMinimalProject(ds);
  // "giraffe" starts before character 1,000; "zebra" after 1,500 (within the old 2,048).
  const text = `${filler(990)} giraffe ${filler(500)} zebra`;
  const [{ id: issueId }] = await ds.query(
    `INSERT INTO issues (project_id, iid, title, description, author_id) VALUES ($1, 1, 'Animals', $2, $3) RETURNING id`,
    [projectId, text, userId],
  );
  await ds.query(`INSERT INTO notes (issue_id, author_id, body, internal, system) VALUES ($1, $2, $3, false, false)`, [
    issueId,
    userId,
    text.replace("giraffe", "okapi").replace("zebra", "tapir"),
  ]);
  expect(await found("search_vector", "giraffe")).toBe(true);
  expect(await found("search_vector", "zebra")).toBe(false);
  expect(await found("comments_vector", "okapi")).toBe(true);
  expect(await found("comments_vector", "tapir")).toBe(false);

  const undone = await undoMigrationsFrom(ds, "SearchHead1k1765001301500");
  expect(await found("search_vector", "zebra")).toBe(true);
  expect(await found("comments_vector", "tapir")).toBe(true);

  expect(await connectAndMigrate(ds)).toEqual(undone);
  expect(await found("search_vector", "zebra")).toBe(false);
  expect(await found("comments_vector", "tapir")).toBe(false);
  expect(await found("comments_vector", "okapi")).toBe(true);
});
