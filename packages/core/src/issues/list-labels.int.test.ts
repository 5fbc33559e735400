// Issue 14.4: a page of a list filtered by labels is found by walking the labelled issues' covering index in
// the list's order (migration 1765001302600), reading no issue's row until the page is known. One project of
// 30,000 issues, each in one category (so every issue is labelled, as on desks that categorise every
// ticket); "bug" on every 5th and "vip" on every 7th, so 1 issue in 35 carries both, spread over the table.
import { createTestDatabase, pagesRead, type TestDatabase, untilEarlierTransactionsEnd } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoProject } from "../testing/demo-project.ts";
import { type IssueSort, issueListSql, listIssues, resolveIssueListFilter } from "./list-issues.ts";

const ISSUES = 30_000;
let db: TestDatabase;
let projectId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction(async (m) => {
    const { bot, projectId: demoApp } = await seedDemoProject(m, "list-labels-test-password");
    projectId = demoApp;
    await m.query("DELETE FROM issues WHERE project_id = $1", [projectId]);
    await m.query(
      `INSERT INTO issues (project_id, iid, title, description, state, author_id, external_author, created_at, updated_at)
       SELECT $1, g, 'Ticket ' || g, 'Order ' || g, CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'opened' END, $2,
              'customer' || g || '@example.net', now() - make_interval(secs => $3 - g),
              now() - make_interval(secs => (g * 7919) % $3)
         FROM generate_series(1, $3) AS g`,
      [projectId, bot.id, ISSUES],
    );
    await m.query("UPDATE projects SET last_issue_iid = $2 WHERE id = $1", [projectId, ISSUES]);
    await m.query(
      `INSERT INTO labels (project_id, title) SELECT $1, t FROM unnest(ARRAY['billing','technical','account','bug','vip']) t
       ON CONFLICT DO NOTHING`,
      [projectId],
    );
    await m.query(
      `INSERT INTO issue_labels (issue_id, label_id)
       SELECT i.id, l.id FROM issues i JOIN labels l ON l.project_id = i.project_id
        WHERE i.project_id = $1
          AND (lower(l.title) = (ARRAY['billing','technical','account'])[1 + i.iid % 3]
               OR (lower(l.title) = 'bug' AND i.iid % 5 = 0) OR (lower(l.title) = 'vip' AND i.iid % 7 = 0))`,
      [projectId],
    );
  });
  // An index-only walk reads no row on a page VACUUM marked all-visible, which it does only once no snapshot can
  // still see the rows change and their commit is flushed (the test cluster commits asynchronously): a barrier
  // and a checkpoint first.
  await untilEarlierTransactionsEnd(db.dataSource);
  await db.dataSource.query("CHECKPOINT");
  await db.dataSource.query("VACUUM ANALYZE issues");
}, 120_000);
afterAll(async () => db.drop());

it("a page filtered by labels reads its page's worth of the labelled issues' index, not every match's row", async () => {
  const f = await resolveIssueListFilter(db.dataSource.manager, {
    projectId,
    state: "opened",
    labelNames: ["bug", "vip"],
    readConfidential: true,
    viewerId: null,
  });
  if (!f) throw new Error("the labels exist");
  // The table pages that hold a match: what gathering the matches to sort them reads.
  const [{ pages }] = await db.dataSource.query(
    "SELECT count(DISTINCT (ctid::text::point)[0])::int AS pages FROM issues WHERE project_id = $1 AND label_ids @> $2::int[]",
    [projectId, f.labelIds],
  );
  expect(pages).toBeGreaterThan(400);
  for (const sort of ["CREATED_DESC", "CREATED_ASC", "UPDATED_DESC", "UPDATED_ASC"] as IssueSort[]) {
    const { rows, hasNextPage } = await listIssues(db.dataSource.manager, f, { sort, first: 50 });
    expect(rows, sort).toHaveLength(50);
    expect(hasNextPage, sort).toBe(true);
    expect(await pagesRead(db.dataSource, issueListSql(f, { sort, first: 50 })), sort).toBeLessThan(pages / 3);
  }
});
