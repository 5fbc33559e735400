// A Tidings session does not keep a foreign key check's plan made while the table was nearly empty: on a
// fresh database, the check of every new participant's issue was kept as a sequential scan of `issues`
// while a flood grew the table (fresh-plans.ts). The scans are counted by PostgreSQL's own
// statistics; the one wait is the plans' life, PLAN_LIFE_MS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataSource } from "./data-source.ts";
import { PLAN_LIFE_MS } from "./fresh-plans.ts";
import { insertMinimalProject } from "./testing/minimal-project.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
let project: { userId: number; projectId: number };
let iid = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  project = await insertMinimalProject(db.dataSource);
  // Autovacuum's ANALYZE would make every session plan again, hiding what a session keeps between two.
  await db.dataSource.query(`ALTER TABLE issues SET (autovacuum_enabled = false)`);
});
afterAll(async () => db?.drop());

/** `n` new issues in one statement; their ids. */
const newIssues = async (run: (sql: string, params: unknown[]) => Promise<{ id: number }[]>, n: number) => {
  const from = iid + 1;
  iid += n;
  const rows = await run(
    `INSERT INTO issues (project_id, iid, title, description, author_id, external_author)
     SELECT $1, g, 'Ticket ' || g, repeat('The printer is on fire. ', 40), $2, 'customer' || g || '@example.org'
       FROM generate_series($3::int, $4::int) g RETURNING id`,
    [project.projectId, project.userId, from, iid],
  );
  return rows.map((r) => r.id);
};

/** Each issue's requester as a participant: one foreign key check of `issues` per row. */
const participantsOf = (ids: number[]) =>
  [
    `INSERT INTO issue_email_participants (issue_id, email) SELECT u, 'customer' || u || '@example.org' FROM unnest($1::int[]) u`,
    [ids],
  ] as const;

/** Sequential and index scans of `issues` since the last call (every session's, flushed first). */
const issueScans = async () => {
  const [row] = await db.dataSource.query(
    `SELECT seq_scan::int AS seq, idx_scan::int AS idx FROM pg_stat_user_tables WHERE relname = 'issues'`,
  );
  return row as { seq: number; idx: number };
};

/**
 * A session that checks its first participants' issues while `issues` holds a few rows (as the worker of a
 * fresh database does: the table empty, its statistics saying so), then, after the table has grown by 3,000
 * issues, 100 more: how `issues` was scanned for those 100.
 */
const checksAfterGrowth = async (options: { planLifeMs?: number } = {}) => {
  await db.dataSource.query(`TRUNCATE issues CASCADE`);
  await db.dataSource.query(`ANALYZE issues`);
  const session = createDataSource({ url: db.url, poolSize: 1, applicationName: "plan-cache", ...options });
  await session.initialize();
  try {
    for (let i = 0; i < 8; i++)
      await session.transaction(async (t) => {
        const ids = await newIssues((sql, params) => t.query(sql, params), 1);
        await t.query(...participantsOf(ids));
      });
    const planned = performance.now();
    await newIssues((sql, params) => db.dataSource.query(sql, params), 3_000);
    const later = await newIssues((sql, params) => db.dataSource.query(sql, params), 100);
    await session.query(`SELECT pg_stat_force_next_flush()`);
    await db.dataSource.query(`SELECT pg_stat_force_next_flush()`);
    const before = await issueScans();
    // The checks below come after the early plans' life, as a flood's do.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, planned + PLAN_LIFE_MS - performance.now())));
    await session.query(...participantsOf(later));
    await session.query(`SELECT pg_stat_force_next_flush()`);
    const after = await issueScans();
    return { seq: after.seq - before.seq, idx: after.idx - before.idx };
  } finally {
    await session.destroy();
  }
};

describe("foreign key checks in a session that began on empty tables", () => {
  it("look the issue up by its key once the table has grown", async () => {
    // Every Tidings process's data source, as createDataSource makes it.
    expect(await checksAfterGrowth()).toEqual({ seq: 0, idx: 100 });
  });

  it("scan the whole table, once per row, in a session that keeps its plans (what a plan's life prevents)", async () => {
    expect(await checksAfterGrowth({ planLifeMs: Number.POSITIVE_INFINITY })).toEqual({ seq: 100, idx: 0 });
  });
});
