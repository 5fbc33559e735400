// Migration 1765001301600: `issues.label_ids` always holds the ids in `issue_labels`, whatever writes them —
// inserts, removals, a deleted label, two transactions labelling one issue at the same moment — and the
// migration fills it for issues labelled before it ran.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAndMigrate } from "../data-source.ts";
import { insertMinimalProject } from "../testing/minimal-project.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { undoMigrationsFrom } from "../testing/undo-migrations.ts";

let db: TestDatabase;
let projectId: number;
let userId: number;
beforeAll(async () => {
  db = await createTestDatabase();
  ({ projectId, userId } = await insertMinimalProject(db.dataSource));
});
afterAll(async () => db?.drop());

let iid = 0;
const newIssue = async (): Promise<number> => {
  iid += 1;
  const [{ id }] = await db.dataSource.query(
    `INSERT INTO issues (project_id, iid, title, author_id) VALUES ($1, $2, 'Labelled', $3) RETURNING id`,
    [projectId, iid, userId],
  );
  return id;
};
const newLabel = async (title: string): Promise<number> => {
  const [{ id }] = await db.dataSource.query(`INSERT INTO labels (project_id, title) VALUES ($1, $2) RETURNING id`, [
    projectId,
    title,
  ]);
  return id;
};
const labelIdsOf = async (issueId: number): Promise<number[]> =>
  (await db.dataSource.query(`SELECT label_ids FROM issues WHERE id = $1`, [issueId]))[0].label_ids;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe("issues.label_ids", () => {
  it("follows labels added and removed, one row or many per statement, and a label deleted", async () => {
    const ds = db.dataSource;
    const [a, b, c] = [await newIssue(), await newIssue(), await newIssue()];
    const [bug, urgent, billing] = [await newLabel("bug"), await newLabel("urgent"), await newLabel("billing")];
    expect(await labelIdsOf(a)).toEqual([]);

    await ds.query(`INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)`, [a, urgent]);
    expect(await labelIdsOf(a)).toEqual([urgent]);
    await ds.query(`INSERT INTO issue_labels (issue_id, label_id) SELECT $1, unnest($2::int[])`, [a, [billing, bug]]);
    await ds.query(`INSERT INTO issue_labels (issue_id, label_id) SELECT unnest($1::int[]), $2`, [[b, c], bug]);
    expect(await labelIdsOf(a)).toEqual(sorted([bug, urgent, billing]));
    expect(await labelIdsOf(b)).toEqual([bug]);
    expect(await labelIdsOf(c)).toEqual([bug]);

    await ds.query(`DELETE FROM issue_labels WHERE issue_id = $1 AND label_id = $2`, [a, urgent]);
    expect(await labelIdsOf(a)).toEqual(sorted([bug, billing]));
    // Deleting a label removes it from its issues through the foreign key's cascade.
    await ds.query(`DELETE FROM labels WHERE id = $1`, [bug]);
    expect(await labelIdsOf(a)).toEqual([billing]);
    expect(await labelIdsOf(b)).toEqual([]);
    expect(await labelIdsOf(c)).toEqual([]);

    // A row moved to another issue or label (the application never does; the column still follows).
    await ds.query(`UPDATE issue_labels SET issue_id = $2 WHERE issue_id = $1`, [a, b]);
    expect(await labelIdsOf(a)).toEqual([]);
    expect(await labelIdsOf(b)).toEqual([billing]);
  });

  it("keeps both labels when two transactions label the same issue at the same moment", async () => {
    const issue = await newIssue();
    const [first, second] = [await newLabel("first"), await newLabel("second")];
    const clients = [new pg.Client({ connectionString: db.url }), new pg.Client({ connectionString: db.url })];
    await Promise.all(clients.map((cl) => cl.connect()));
    try {
      const [one, two] = clients;
      await one.query("BEGIN");
      await two.query("BEGIN");
      await one.query(`INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)`, [issue, first]);
      // The second transaction's trigger waits for the first's lock on the issue…
      const pid = (await one.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      const waiting = two.query(`INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)`, [issue, second]);
      await waitUntilBlockedBy(pid);
      // …and, once the first commits, reads its label too.
      await one.query("COMMIT");
      await waiting;
      await two.query("COMMIT");
    } finally {
      await Promise.all(clients.map((cl) => cl.end()));
    }
    expect(await labelIdsOf(issue)).toEqual(sorted([first, second]));
  });

  it("is filled by the migration for issues labelled before it", async () => {
    const ds = db.dataSource;
    const issue = await newIssue();
    const label = await newLabel("before");
    const undone = await undoMigrationsFrom(ds, "IssueLabelIds1765001301600");
    await ds.query(`INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)`, [issue, label]);
    expect(await connectAndMigrate(ds)).toEqual(undone);
    expect(await labelIdsOf(issue)).toEqual([label]);
  });
});

/** Resolves once some session waits on a lock held by backend `pid` (a barrier, not a sleep). */
const waitUntilBlockedBy = async (pid: number) => {
  for (let i = 0; i < 500; i++) {
    const rows: unknown[] = await db.dataSource.query(
      `SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`,
      [pid],
    );
    if (rows.length) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no session waited for backend ${pid}`);
};
