// Migration 1765001301000 on a database that already holds issues and notes: their new vectors are
// computed (the backfill), so existing tickets are found by stem, accent-free spelling, comment, internal
// note (apart) and requester domain right after the upgrade; going down restores the previous vector.
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAndMigrate } from "../data-source.ts";
import { insertMinimalProject } from "../testing/minimal-project.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { migrationsFrom, undoMigrationsFrom } from "../testing/undo-migrations.ts";

/** This migration and every later one: undone to reach the database it upgrades, applied again after. */
const FROM_SEARCH = migrationsFrom("SearchThatFinds1765001301000");
const undoFromSearch = (ds: TestDatabase["dataSource"]) => undoMigrationsFrom(ds, "SearchThatFinds1765001301000");

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

type Vector = "i.search_vector" | "i.requester_vector" | "i.comments_vector" | "i.internal_notes_vector";
const matches = async (column: Vector, term: string) => {
  const rows: unknown[] = await db.dataSource.query(
    `SELECT 1 FROM issues i JOIN notes n ON n.issue_id = i.id WHERE ${column} @@ to_tsquery('tidings_search', $1)`,
    [`${term}:*`],
  );
  return rows.length > 0;
};

it("backfills the vectors of existing issues and notes, and goes back down", async () => {
  const ds = db.dataSource;
  await undoFromSearch(ds);
  const { userId, projectId } = await insertMinimalProject(ds);
  const [{ id: issueId }] = await ds.query(
    `INSERT INTO issues (project_id, iid, title, description, author_id, external_author)
     VALUES ($1, 1, 'Rückerstattung', 'Two refunds missing', $2, 'kim@bakery.example') RETURNING id`,
    [projectId, userId],
  );
  await ds.query(
    `INSERT INTO notes (issue_id, author_id, body, internal, system)
     VALUES ($1, $2, 'The courier lost it', false, false), ($1, $2, 'Ledger checked', true, false), ($1, $2, 'closed', false, true)`,
    [issueId, userId],
  );

  expect(await connectAndMigrate(ds)).toEqual(FROM_SEARCH);
  expect(await matches("i.search_vector", "ruckerstattung")).toBe(true);
  expect(await matches("i.search_vector", "refund")).toBe(true);
  expect(await matches("i.comments_vector", "couriers")).toBe(true);
  expect(await matches("i.comments_vector", "ledger")).toBe(false);
  expect(await matches("i.internal_notes_vector", "ledger")).toBe(true);
  expect(await matches("i.comments_vector", "closed")).toBe(false);
  expect(await matches("i.requester_vector", "bakery")).toBe(true);

  await undoFromSearch(ds);
  const [row] = await ds.query(
    `SELECT search_vector @@ to_tsquery('simple', 'kim@bakery.example') AS found FROM issues WHERE id = $1`,
    [issueId],
  );
  expect(row.found).toBe(true);
  expect(await connectAndMigrate(ds)).toEqual(FROM_SEARCH);
});
