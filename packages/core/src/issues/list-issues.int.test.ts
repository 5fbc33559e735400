// Issue 14.4: the issue list stays an index walk at any size. On a real PostgreSQL holding 20,000 issues
// in one project (set-based, then VACUUM ANALYZE, so the planner prefers an index wherever one fits), every list
// query shape — each state, sort, label / assignee / author filter, search, a later page, a viewer below
// Reporter — is EXPLAINed and no plan reads the issues table sequentially. Issue 10.5: searches also match
// the comments (email-sized notes, two per issue, through the issue's comment vectors), and no plan reads
// the notes table sequentially either. The pages and capped counts
// are also checked against a plain query over the same rows.
import { BACKFILL_ISSUE_NOTE_VECTORS, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, explainPlan, type PlanNode, seqScans, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoProject } from "../testing/demo-project.ts";
import { countIssues, countIssuesCapped, issueCappedCountSql, issueCounter } from "./list-counts.ts";
import {
  ISSUE_SORTS,
  type IssueListFilter,
  type IssueSort,
  issueListFilterResolver,
  issueListSql,
  issueListWhere,
  listIssues,
  resolveIssueListFilter,
} from "./list-issues.ts";
import { RESOLVED_SEARCHES_KEPT, resolveSearch, searchCandidatesSql } from "./list-search.ts";

const ISSUES = 20_000;
/** The quoted history under a reply (about 400 characters, as email replies carry). */
const QUOTED_HISTORY = Array.from(
  { length: 6 },
  (_, n) => `> Line ${n} of the earlier message about the order, the delivery window and the account settings.`,
).join("\n");
let db: TestDatabase;
let projectId: number;
let guestId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction(async (m) => {
    const { bot, projectId: demoApp } = await seedDemoProject(m, "list-test-password");
    projectId = demoApp;
    const other = (await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/other" })).id;
    const dev = (await m.findOneByOrFail(UserEntity, { username: "developer" })).id;
    guestId = (await m.findOneByOrFail(UserEntity, { username: "guest" })).id;
    await m.query("DELETE FROM issues WHERE project_id = $1", [projectId]);
    // 80 % by support-bot, a quarter closed, a third confidential; every 5th a bug, every 97th urgent, every
    // 7th vip; every 4th (offset 1) assigned to developer, every 50th to guest. A second project holds as many.
    await m.query(
      `INSERT INTO issues (project_id, iid, title, description, state, confidential, author_id, external_author, created_at, updated_at,
                          last_customer_activity_at, awaiting_reply_since)
       SELECT p, g,
              'Ticket ' || g || ': ' || (ARRAY['printer on fire','cannot log in','invoice missing','refund please','app crashes'])[1 + g % 5],
              'Order ' || (g * 7919 % 100000),
              CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'opened' END, g % 3 = 0,
              CASE WHEN g % 10 < 8 THEN $3::int ELSE $4::int END, 'customer' || (g % 500) || '@example.net',
              now() - make_interval(secs => $5 - g), now() - make_interval(secs => (g * 7919) % $5),
              now() - make_interval(secs => (g * 104729) % $5),
              CASE WHEN g % 7 = 0 AND g % 10 < 8 THEN now() - make_interval(secs => g % 3600) END
       FROM generate_series(1, $5) AS g, unnest(ARRAY[$1::int, $2::int]) AS p`,
      [projectId, other, bot.id, dev, ISSUES],
    );
    await m.query("UPDATE projects SET last_issue_iid = $2 WHERE id = ANY($1::int[])", [[projectId, other], ISSUES]);
    await m.query(
      "INSERT INTO labels (project_id, title) SELECT $1, t FROM unnest(ARRAY['bug','urgent','vip','unused']) t ON CONFLICT DO NOTHING",
      [projectId],
    );
    await m.query(
      `INSERT INTO issue_labels (issue_id, label_id)
       SELECT i.id, l.id FROM issues i JOIN labels l ON l.project_id = i.project_id
       WHERE i.project_id = $1 AND ((lower(l.title) = 'bug' AND i.iid % 5 = 0) OR (lower(l.title) = 'urgent' AND i.iid % 97 = 0)
                                    OR (lower(l.title) = 'vip' AND i.iid % 7 = 0))`,
      [projectId],
    );
    await m.query(
      `INSERT INTO issue_assignees (issue_id, user_id)
       SELECT id, CASE WHEN iid % 50 = 0 THEN $3::int ELSE $2::int END FROM issues
       WHERE project_id = $1 AND (iid % 4 = 1 OR iid % 50 = 0)`,
      [projectId, dev, guestId],
    );
    // Issue 10.5: threads to search, shaped like email threads (a few hundred characters of reply and
    // quoted history each): two public comments per issue (every 1,000th issue's first one with a rare
    // word), every 10th issue an internal note, every 4th a system note (never searched).
    // Set-based like the rest: the notes' trigger is off for the bulk insert, then the issues' comment
    // vectors are joined in one statement (the migration's backfill).
    await m.query("ALTER TABLE notes DISABLE TRIGGER trg_notes_search");
    await m.query(
      `INSERT INTO notes (issue_id, author_id, body, internal, system)
       SELECT i.id, $2::int, CASE WHEN k = 1 AND i.iid % 1000 = 0 THEN 'The zeppelin delivery failed. ' ELSE '' END ||
              (ARRAY['We looked at the refunds again.','Thanks, that helped!','Any news on this?'])[1 + (i.iid + k) % 3] ||
              ' On Monday the customer wrote: ' || $3::text, false, false
       FROM issues i, generate_series(1, 2) AS k WHERE i.project_id = $1
       UNION ALL SELECT id, $2::int, 'Escalated to the billing team', true, false FROM issues WHERE project_id = $1 AND iid % 10 = 0
       UNION ALL SELECT id, $2::int, 'closed', false, true FROM issues WHERE project_id = $1 AND iid % 4 = 0`,
      [projectId, dev, QUOTED_HISTORY],
    );
    await m.query(BACKFILL_ISSUE_NOTE_VECTORS);
    await m.query("ALTER TABLE notes ENABLE TRIGGER trg_notes_search");
  });
  // VACUUM too: the backfill rewrote every issue row once, and autovacuum would have cleaned up after it.
  await db.dataSource.query("VACUUM ANALYZE");
}, 120_000);
afterAll(async () => db.drop());

const SORTS: readonly IssueSort[] = ISSUE_SORTS;
const STATES = ["opened", "closed", "all"] as const;
const FILTERS: Record<string, Partial<IssueListFilter>> = {
  none: {},
  "author support-bot": { authorUsername: "support-bot" },
  "author developer": { authorUsername: "Developer" },
  "label bug": { labelNames: ["bug"] },
  "labels bug + urgent": { labelNames: ["BUG", "urgent"] },
  "labels bug + vip": { labelNames: ["bug", "vip"] },
  "assignee developer": { assigneeUsernames: ["developer"] },
  'search "printer"': { search: "printer" },
  'search "order 4242"': { search: "order 4242" },
  'search "#12"': { search: "#12" },
  "Service Desk + label + search": { authorUsername: "support-bot", labelNames: ["bug"], search: "invoice" },
  "needs reply (10.1)": { needsReply: true },
  "needs reply + search": { needsReply: true, search: "refund" },
  // Issue 10.5: comments, internal notes, the requester, accents and stems.
  'search "zeppelin" (a rare word, only in comments)': { search: "zeppelin" },
  'search "escalat" (internal notes)': { search: "escalat" },
  'search "customer7@example.net" (requester)': { search: "customer7@example.net" },
  'search "example" (requester domain, every issue)': { search: "example" },
  "needs reply + comment search (10 Done when)": { needsReply: true, search: "refunds" },
  "Service Desk + needs reply + search": { authorUsername: "support-bot", needsReply: true, search: "invoic" },
};
const VIEWERS = { reporter: { readConfidential: true, viewerId: null }, guest: { readConfidential: false } };

const explain = (sql: string, params: unknown[]) => explainPlan(db.dataSource, sql, params);

const shapes = () =>
  STATES.flatMap((state) =>
    Object.entries(FILTERS).flatMap(([name, extra]) =>
      Object.entries(VIEWERS).map(([viewer, v]) => ({
        label: `${state}, ${name}, ${viewer}`,
        filter: {
          projectId,
          state,
          readConfidential: v.readConfidential,
          viewerId: viewer === "guest" ? guestId : null,
          ...extra,
        } as IssueListFilter,
      })),
    ),
  );

describe("the issue list at 20,000 issues", () => {
  it("never scans the issues or notes table sequentially: every state, sort, filter, search, later page and viewer", async () => {
    const scanned: string[] = [];
    let plans = 0;
    for (const { label, filter } of shapes()) {
      const f = await resolveIssueListFilter(db.dataSource.manager, filter);
      expect(f, label).not.toBeNull();
      if (!f) continue;
      const queries = [issueCappedCountSql(f), ...(f.tsquery ? [searchCandidatesSql(f, f.tsquery)] : [])];
      for (const sort of SORTS) {
        const first = await listIssues(db.dataSource.manager, f, { sort, first: 50 });
        queries.push(issueListSql(f, { sort, first: 50 }));
        if (first.hasNextPage) queries.push(issueListSql(f, { sort, first: 50, after: first.rows.at(-1)?.cursor }));
      }
      for (const q of queries) {
        const found = seqScans(await explain(q.sql, q.params)).filter((r) => r === "issues" || r === "notes");
        plans++;
        if (found.length) scanned.push(`${label}: ${q.sql}`);
      }
    }
    expect(scanned).toEqual([]);
    expect(plans).toBeGreaterThan(300);
  }, 120_000);

  it("pages in the requested order and counts up to the cap, as a plain query over the same rows does", async () => {
    for (const { label, filter } of shapes()) {
      const f = await resolveIssueListFilter(db.dataSource.manager, filter);
      if (!f) throw new Error(label);
      const { where, params, p } = issueListWhere(f);
      const state = f.state === "all" ? "TRUE" : `i.state = ${p(f.state)}`;
      for (const sort of ["CREATED_DESC", "UPDATED_ASC", "LAST_CUSTOMER_ACTIVITY_DESC"] as IssueSort[]) {
        const [column, dir] = {
          CREATED_DESC: ["created_at", "DESC"],
          UPDATED_ASC: ["updated_at", "ASC"],
          LAST_CUSTOMER_ACTIVITY_DESC: ["last_customer_activity_at", "DESC"],
        }[sort as "CREATED_DESC"];
        const expected: { id: number }[] = await db.dataSource.query(
          `SELECT i.id FROM issues i WHERE ${where} AND ${state} ORDER BY i.${column} ${dir}, i.id ${dir} LIMIT 100`,
          params,
        );
        const first = await listIssues(db.dataSource.manager, f, { sort, first: 50 });
        const second = await listIssues(db.dataSource.manager, f, {
          sort,
          first: 50,
          after: first.rows.at(-1)?.cursor,
        });
        const pages = first.hasNextPage ? [...first.rows, ...second.rows] : first.rows;
        expect(
          pages.map((r) => r.id),
          `${label}, ${sort}`,
        ).toEqual(expected.map((r) => r.id));
      }
      const exact = await countIssues(db.dataSource.manager, f);
      expect(await countIssuesCapped(db.dataSource.manager, f), label).toEqual(
        exact > 1000 ? { count: 1000, exact: false } : { count: exact, exact: true },
      );
    }
  }, 120_000);

  it("a search is driven from its rarest word's own index only when that word is rare (issue 14.4)", async () => {
    const m = db.dataSource.manager;
    const base = { projectId, state: "all" as const, readConfidential: true, viewerId: null };
    // "order" is in every title; "4242" in a few; "printer" in a fifth of the issues.
    const rare = await resolveIssueListFilter(m, { ...base, search: "order 4242" });
    const expected: { id: number }[] = await m.query(
      `SELECT id FROM issues WHERE project_id = $1 AND search_vector @@ '4242:*'::tsquery ORDER BY id`,
      [projectId],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(50);
    expect([...(rare?.candidateIds ?? [])].sort((a, b) => a - b)).toEqual(expected.map((r) => r.id));
    expect((await resolveIssueListFilter(m, { ...base, search: "printer" }))?.candidateIds).toBeNull();
    expect((await resolveIssueListFilter(m, { ...base, search: "order" }))?.candidateIds).toBeNull();
    // A word no issue holds: no candidates, an empty list, without walking the project.
    const none = await resolveIssueListFilter(m, { ...base, search: "order quetzalcoatl" });
    if (!none) throw new Error("the filter resolves");
    expect(none.candidateIds).toEqual([]);
    expect(await listIssues(m, none, { first: 50 })).toEqual({ rows: [], hasNextPage: false });
    expect(await countIssuesCapped(m, none)).toEqual({ count: 0, exact: true });
  });

  it("a capped count of a common word tests rows as it walks, never gathering the word's matches from its indexes (issue 14.4)", async () => {
    // The planner takes a prefix word for rare ("printer", in a fifth of the issues, estimated at 2 %) and
    // gathered every match from the GIN indexes, then sorted them: 57 ms per count at 100k issues, 6 walking.
    const m = db.dataSource.manager;
    const nodes = (node: PlanNode): string[] => [
      `${node["Node Type"]} ${node["Index Name"] ?? ""}`,
      ...(node.Plans ?? []).flatMap(nodes),
    ];
    const wordIndex = (n: string) => /^Bitmap Index Scan idx_issues_\w*search$/.test(n);
    const gathered: string[] = [];
    for (const extra of [{}, { authorUsername: "support-bot" }, { needsReply: true }] as Partial<IssueListFilter>[]) {
      for (const state of STATES) {
        const f = await resolveIssueListFilter(m, {
          projectId,
          state,
          readConfidential: true,
          viewerId: null,
          ...extra,
          search: "printer",
        });
        if (!f) throw new Error("the filter resolves");
        expect(f.walkSearch).toBe(true);
        const { sql, params } = issueCappedCountSql(f);
        const read = nodes(await explain(sql, params));
        if (read.some(wordIndex)) gathered.push(`${state} ${JSON.stringify(extra)}: ${read.join(", ")}`);
        const all = await countIssues(m, f);
        expect(await countIssuesCapped(m, f)).toEqual(
          all > 1000 ? { count: 1000, exact: false } : { count: all, exact: true },
        );
      }
    }
    expect(gathered).toEqual([]);
  });

  it("a rare word's candidates read the same pages and count as the walk over the same filter", async () => {
    const m = db.dataSource.manager;
    const compared = new Set<string>();
    for (const { label, filter } of shapes().filter((s) => s.filter.search && !s.filter.search.startsWith("#"))) {
      const driven = await resolveIssueListFilter(m, filter);
      if (!driven?.candidateIds) continue;
      compared.add(`${filter.search}, ${filter.readConfidential ? "reporter" : "guest"}`);
      const walked = { ...driven, candidateIds: null };
      for (const sort of SORTS) {
        const a = await listIssues(m, driven, { sort, first: 20 });
        const b = await listIssues(m, walked, { sort, first: 20 });
        expect(a, `${label}, ${sort}`).toEqual(b);
        if (a.hasNextPage) {
          const after = a.rows.at(-1)?.cursor;
          expect(await listIssues(m, driven, { sort, first: 20, after }), label).toEqual(
            await listIssues(m, walked, { sort, first: 20, after }),
          );
        }
      }
      expect(await countIssuesCapped(m, driven), label).toEqual(await countIssuesCapped(m, walked));
    }
    // The rare words and the address; for a guest also "escalat" and "example", which are common only in
    // what a guest's search does not read (internal notes, the requester).
    expect([...compared].sort()).toEqual([
      "customer7@example.net, guest",
      "customer7@example.net, reporter",
      "escalat, guest",
      "example, guest",
      "order 4242, guest",
      "order 4242, reporter",
      "zeppelin, guest",
      "zeppelin, reporter",
    ]);
  });

  it('a request\'s counter gives every capped count the single query gives, counting "all" as "opened" + "closed"', async () => {
    const m = db.dataSource.manager;
    for (const { label, filter } of shapes()) {
      const f = await resolveIssueListFilter(m, filter);
      if (!f) throw new Error(label);
      // The default cap, and a low one where sums cross it.
      for (const cap of [1000, 150])
        expect(await issueCounter(m, cap)(f), `${label}, cap ${cap}`).toEqual(await countIssuesCapped(m, f, cap));
    }
    // The state tabs of one request: "opened", "closed" and "all" read two counts, not four.
    let statements = 0;
    const counted = new Proxy(m, {
      get: (target, key) =>
        key === "query"
          ? (...args: Parameters<typeof m.query>) => {
              statements++;
              return target.query(...args);
            }
          : Reflect.get(target, key),
    });
    const f = await resolveIssueListFilter(m, { projectId, readConfidential: true, viewerId: null, search: "printer" });
    if (!f) throw new Error("the filter resolves");
    const counter = issueCounter(counted);
    const [opened, closed, all] = await Promise.all(
      (["opened", "closed", "all"] as const).map((state) => counter({ ...f, state })),
    );
    expect(statements).toBe(2);
    expect([opened, closed, all]).toEqual([
      await countIssuesCapped(m, { ...f, state: "opened" }),
      await countIssuesCapped(m, { ...f, state: "closed" }),
      await countIssuesCapped(m, { ...f, state: "all" }),
    ]);
  });

  it("a request's state tabs resolve their names and search once, each tab what resolving it alone gives", async () => {
    const m = db.dataSource.manager;
    const logged: string[] = [];
    const logger = db.dataSource.logger;
    const original = logger.logQuery;
    const base = {
      projectId,
      readConfidential: true,
      viewerId: null,
      // Words in an order no other test searched: the data source keeps each search it resolved.
      search: "4242 order",
      authorUsername: "support-bot",
      labelNames: ["bug"],
    };
    const tabs: Partial<IssueListFilter>[] = [
      { state: "all", needsReply: true },
      { state: "opened" },
      { state: "closed" },
      { state: "all" },
    ];
    logger.logQuery = (sql) => {
      logged.push(sql);
    };
    let resolved: Awaited<ReturnType<typeof resolveIssueListFilter>>[];
    try {
      const resolve = issueListFilterResolver(m);
      resolved = await Promise.all(tabs.map((tab) => resolve({ ...base, ...tab })));
    } finally {
      logger.logQuery = original;
    }
    // The names, the search's words, the rare word's candidates: once each, for the four tabs.
    expect(logged.filter((s) => s.includes("FROM labels"))).toHaveLength(1);
    expect(logged.filter((s) => s.includes("to_tsquery"))).toHaveLength(1);
    expect(logged.filter((s) => s.startsWith("SELECT i.id FROM issues i"))).toHaveLength(1);
    for (const [i, tab] of tabs.entries()) {
      const alone = await resolveIssueListFilter(m, { ...base, ...tab });
      expect(alone?.candidateIds?.length).toBeGreaterThan(0);
      expect(resolved[i]).toEqual(alone);
    }
  });

  it("a data source keeps the searches it resolved, the least recently used forgotten first, a failed one not at all", async () => {
    const m = db.dataSource.manager;
    const logger = db.dataSource.logger;
    const original = logger.logQuery;
    let words = 0;
    logger.logQuery = (sql) => {
      if (sql.includes("to_tsquery")) words++;
    };
    try {
      const first = await resolveSearch(m, "kept quokka");
      expect(words).toBe(1);
      expect(await resolveSearch(m, "kept quokka")).toEqual(first);
      expect(words).toBe(1);
      // A failed resolution (here: inside an aborted transaction) is not kept: the next one asks again.
      await m.transaction(async (t) => {
        await t.query("SELECT 1/0").catch(() => undefined);
        await expect(resolveSearch(t, "failed wombat")).rejects.toThrow();
      });
      expect((await resolveSearch(m, "failed wombat")).tsquery).toContain("wombat");
      expect(words).toBe(3);
      // "kept quokka" is now the least recently used of RESOLVED_SEARCHES_KEPT + 1 searches: forgotten.
      for (let i = 0; i < RESOLVED_SEARCHES_KEPT - 1; i++) await resolveSearch(m, `filler${i}`);
      expect(await resolveSearch(m, "failed wombat")).toBeTruthy(); // used again: kept
      expect(words).toBe(RESOLVED_SEARCHES_KEPT + 2);
      expect(await resolveSearch(m, "kept quokka")).toEqual(first);
      expect(words).toBe(RESOLVED_SEARCHES_KEPT + 3);
    } finally {
      logger.logQuery = original;
    }
  });

  it("an unknown label, assignee or author matches nothing (no error), and a count just below the cap is exact", async () => {
    const m = db.dataSource.manager;
    const base = { projectId, state: "all" as const, readConfidential: true, viewerId: null };
    for (const extra of [
      { labelNames: ["no-such-label"] },
      { assigneeUsernames: ["nobody"] },
      { authorUsername: "x" },
    ]) {
      expect(await listIssues(m, { ...base, ...extra }, { first: 50 })).toEqual({ rows: [], hasNextPage: false });
      expect(await countIssuesCapped(m, { ...base, ...extra })).toEqual({ count: 0, exact: true });
    }
    // "unused" exists in the project but is on no issue.
    expect(await countIssuesCapped(m, { ...base, labelNames: ["unused"] })).toEqual({ count: 0, exact: true });
    const f = { ...base, labelNames: ["urgent"] }; // every 97th of 20,000
    expect(await countIssues(m, f)).toBe(Math.floor(ISSUES / 97));
    expect(await countIssuesCapped(m, f)).toEqual({ count: 206, exact: true });
    expect(await countIssuesCapped(m, f, 206)).toEqual({ count: 206, exact: true });
    expect(await countIssuesCapped(m, f, 205)).toEqual({ count: 205, exact: false });
  });
});
