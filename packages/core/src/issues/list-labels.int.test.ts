// Issue 14.4: a page of a list filtered by labels is found by walking the labelled issues' covering index in
// the list's order (migration 1765001302600), reading no issue's row until the page is known. One project of
// 30,000 issues, each in one category (so every issue is labelled, as on desks that categorise every
// ticket); "bug" on every 5th and "vip" on every 7th, so 1 issue in 35 carries both, spread over the table;
// "urgent" on every 35th, each of them a bug: the planner, which takes labels to be independent, expects
// five times fewer "bug & urgent" issues than there are.
import {
  createTestDatabase,
  explainPlan,
  type PlanNode,
  pagesRead,
  type TestDatabase,
  untilEarlierTransactionsEnd,
} from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemoProject } from "../testing/demo-project.ts";
import {
  encodeIssueCursor,
  type IssueSort,
  issueListSql,
  LABELLED_WALK_BUDGET,
  listIssues,
  type ResolvedIssueListFilter,
  resolveIssueListFilter,
} from "./list-issues.ts";

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
      `INSERT INTO labels (project_id, title) SELECT $1, t FROM unnest(ARRAY['billing','technical','account','bug','vip','urgent']) t
       ON CONFLICT DO NOTHING`,
      [projectId],
    );
    await m.query(
      `INSERT INTO issue_labels (issue_id, label_id)
       SELECT i.id, l.id FROM issues i JOIN labels l ON l.project_id = i.project_id
        WHERE i.project_id = $1
          AND (lower(l.title) = (ARRAY['billing','technical','account'])[1 + i.iid % 3]
               OR (lower(l.title) = 'bug' AND i.iid % 5 = 0) OR (lower(l.title) = 'vip' AND i.iid % 7 = 0)
               OR (lower(l.title) = 'urgent' AND i.iid % 35 = 0))`,
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

const SORTS: IssueSort[] = ["CREATED_DESC", "CREATED_ASC", "UPDATED_DESC", "UPDATED_ASC"];

const filterOf = async (labelNames: string[], state: "opened" | "all" = "opened") => {
  const f = await resolveIssueListFilter(db.dataSource.manager, {
    projectId,
    state,
    labelNames,
    readConfidential: true,
    viewerId: null,
  });
  if (!f) throw new Error("the labels exist");
  return f;
};

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The table pages that hold a match: what gathering the matches to sort them reads. */
const pagesHoldingMatches = async (f: ResolvedIssueListFilter) => {
  const [{ pages }] = await db.dataSource.query(
    "SELECT count(DISTINCT (ctid::text::point)[0])::int AS pages FROM issues WHERE project_id = $1 AND label_ids @> $2::int[]",
    [projectId, f.labelIds],
  );
  return pages as number;
};

it.each([
  ["bug & vip", ["bug", "vip"]],
  // The planner expects ~130 open matches; a walk it costs by that estimate looks dearer than gathering them.
  ["bug & urgent, estimated five times too rare", ["bug", "urgent"]],
])(
  "a page filtered by %s reads its page's worth of the labelled issues' index, not every match's row",
  async (_, labels) => {
    const f = await filterOf(labels);
    const pages = await pagesHoldingMatches(f);
    expect(pages).toBeGreaterThan(400);
    for (const sort of SORTS) {
      const { rows, hasNextPage } = await listIssues(db.dataSource.manager, f, { sort, first: 50 });
      expect(rows, sort).toHaveLength(50);
      expect(hasNextPage, sort).toBe(true);
      const statement = issueListSql(f, { sort, first: 50 });
      expect(await pagesRead(db.dataSource, statement), sort).toBeLessThan(pages / 3);
      // The walk reads the index alone (the columns it carries are the index's).
      const walks = nodesOf(await explainPlan(db.dataSource, statement.sql, statement.params)).filter((n) =>
        n["Index Name"]?.startsWith("idx_issues_labelled_"),
      );
      expect(
        walks.map((n) => n["Node Type"]),
        sort,
      ).toContain("Index Only Scan");
    }
  },
);

/** The ids of every page of a list, 40 at a time, through issueListSql with a walk budget of `budget`. */
const everyPage = async (f: ResolvedIssueListFilter, sort: IssueSort, budget: number) => {
  const pages: number[][] = [];
  let after: string | null = null;
  for (;;) {
    const { sql, params } = issueListSql(f, { sort, first: 40, after }, budget);
    const rows: { id: number; sort_value: string }[] = await db.dataSource.query(sql, params);
    pages.push(rows.slice(0, 40).map((r) => r.id));
    if (rows.length <= 40) return pages;
    after = encodeIssueCursor(rows[39].sort_value, rows[39].id);
  }
};

it("a walk that runs out of budget before the page is full gathers the matches instead, with the same pages", async () => {
  // 643 open "bug & urgent" issues, 1 in 35 of the walk: a budget of 100 entries finds ~3 and falls back every
  // time; the default budget finds each page in its walk. Both list every page the same, to the last.
  const f = await filterOf(["bug", "urgent"], "all");
  for (const sort of SORTS) {
    const walked = await everyPage(f, sort, LABELLED_WALK_BUDGET);
    const gathered = await everyPage(f, sort, 100);
    expect(gathered, sort).toEqual(walked);
    expect(walked.flat(), sort).toHaveLength(857);
    expect(new Set(walked.flat()).size, sort).toBe(857);
  }
  // A combination no issue carries (one category each): the walk finds nothing in its budget, nor the gather.
  const none = await filterOf(["billing", "technical"]);
  expect((await listIssues(db.dataSource.manager, none, { first: 50 })).rows).toEqual([]);
});
