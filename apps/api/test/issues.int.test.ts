// E2/F1: the issue list (filters, full-text and #iid search, sort, stable cursor pagination, count),
// a constant number of SQL queries per page (DataLoaders), and moving a ticket (item 41).
import fs from "node:fs";
import { createIssue, digest } from "@tidings/core";
import { SentNotificationEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import type { GraphQLObjectType } from "graphql";
import type { Logger as TypeOrmLogger } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtures, serviceDeskIssue } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./harness.ts";

type Page = {
  project: {
    issues: {
      count: number;
      nodes: { id: string; iid: string; title: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
};

const LIST = `query($p: ID!, $first: Int, $after: String, $sort: IssueSort, $state: IssueState, $search: String,
  $labelName: [String!], $assigneeUsernames: [String!], $authorUsername: String) {
  project(fullPath: $p) {
    issues(first: $first, after: $after, sort: $sort, state: $state, search: $search, labelName: $labelName,
           assigneeUsernames: $assigneeUsernames, authorUsername: $authorUsername) {
      count
      nodes { id iid title author { username } externalAuthor labels { nodes { title } } assignees { nodes { username } }
              emailParticipants { email } userPermissions { updateIssue } webUrl }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

describe("issue list, loaders and moves", () => {
  let db: TestDatabase;
  let api: TestApi;
  let cookie: string;
  let queries = 0;
  const statements: string[] = [];
  const list = async (vars: Record<string, unknown>) => {
    const res = await api.graphql<Page>(LIST, { p: "demo/app", ...vars }, { cookie });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.project.issues;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestApi(db);
    await createFixtures(db.dataSource);
    // 60 more Service Desk issues with labels, assignees, participants; spread creation/update times.
    await db.dataSource.transaction(async (m) => {
      const users = await m.findBy(UserEntity, {});
      const byName = new Map(users.map((u) => [u.username, u]));
      for (let n = 0; n < 60; n++) {
        const issue = await serviceDeskIssue(m, {
          projectId: (await m.query("SELECT id FROM projects WHERE full_path = 'demo/app'"))[0].id,
          title: n % 10 === 0 ? `Printer on fire ${n}` : `Question ${n}`,
          confidential: n % 3 === 0,
          requester: `customer${n}@example.net`,
        });
        await m.query(
          "UPDATE issues SET created_at = now() - make_interval(mins => $2), updated_at = now() - make_interval(mins => $3), state = $4 WHERE id = $1",
          [issue.id, n, (n * 7) % 60, n % 4 === 0 ? "closed" : "opened"],
        );
        const [label] = await m.query(
          "INSERT INTO labels (project_id, title) VALUES ($1, $2) ON CONFLICT (project_id, lower(title)) DO UPDATE SET title = excluded.title RETURNING id",
          [issue.projectId, n % 2 === 0 ? "even" : "odd"],
        );
        await m.query("INSERT INTO issue_labels (issue_id, label_id) VALUES ($1, $2)", [issue.id, label.id]);
        const assignee = byName.get(n % 5 === 0 ? "reporter" : "developer")!;
        await m.query("INSERT INTO issue_assignees (issue_id, user_id) VALUES ($1, $2)", [issue.id, assignee.id]);
      }
    });
    cookie = await api.signIn("maintainer");
    // Count every SQL statement the api runs on this database.
    const original = db.dataSource.logger;
    const counting: TypeOrmLogger = {
      logQuery: (sql) => {
        queries++;
        statements.push(sql);
      },
      logQueryError: (...a) => original.logQueryError(...a),
      logQuerySlow: (...a) => original.logQuerySlow(...a),
      logSchemaBuild: (...a) => original.logSchemaBuild(...a),
      logMigration: (...a) => original.logMigration(...a),
      log: (...a) => original.log(...a),
    };
    Object.defineProperty(db.dataSource, "logger", { value: counting, configurable: true });
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it("costs the same number of SQL queries for 5 and for 50 issues with authors, labels, assignees, participants", async () => {
    const measure = async (first: number) => {
      const before = queries;
      const page = await list({ first, state: "all" });
      expect(page.nodes).toHaveLength(first);
      return queries - before;
    };
    const five = await measure(5);
    const fifty = await measure(50);
    console.log(`SQL queries per issue page: first 5 → ${five}, first 50 → ${fifty}`);
    expect(five).toBeGreaterThanOrEqual(5); // the counter sees the page, count and the loaders' batches
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(15);
  });

  it("answers every field of the web app's list rows from the page's own reads, none waits row by row (issue 14.4)", async () => {
    // The web app's list query as the browser sends it (its document names each operation).
    const document = fs.readFileSync(new URL("../../web/src/scenes/issues/issues.graphql", import.meta.url), "utf8");
    const issueType = api.schema.getType("Issue") as GraphQLObjectType;
    const waited = new Set<string>();
    const restore: (() => void)[] = [];
    for (const field of Object.values(issueType.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      restore.push(() => {
        field.resolve = resolve;
      });
      field.resolve = (...args) => {
        const value = resolve(...args);
        if (value instanceof Promise) waited.add(field.name);
        return value;
      };
    }
    type Row = { labels: { nodes: unknown[] }; assignees: { nodes: unknown[] }; requesterName: string | null };
    const scene = async (variables: Record<string, unknown>) => {
      const res = await api.graphql<{ project: { issues: { nodes: Row[] } } }>(
        document,
        { fullPath: "demo/app", first: 50, state: "all", ...variables },
        { cookie },
        "IssuesScene",
      );
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data!.project.issues.nodes;
    };
    try {
      const rows = await scene({});
      const searched = await scene({ search: "printer" });
      expect(rows).toHaveLength(50);
      expect(rows.every((r) => r.labels.nodes.length === 1 && r.assignees.nodes.length === 1)).toBe(true);
      expect(searched.length).toBeGreaterThan(0);
    } finally {
      for (const r of restore) r();
    }
    expect([...waited]).toEqual([]);
  });

  it("takes the requesters' names kept with a page's issues from its rows, and reads only the others' (issue 14.4)", async () => {
    const NAMES = `query($p: ID!) { project(fullPath: $p) { issues(state: all, authorUsername: "support-bot", first: 50) {
      nodes { iid requesterName } } } }`;
    const ONE = `query($p: ID!, $iid: String!) { project(fullPath: $p) { issue(iid: $iid) { requesterName } } }`;
    type Names = { project: { issues: { nodes: { iid: string; requesterName: string | null }[] } } };
    const saved: { id: number; name: string | null }[] = await db.dataSource.query(
      "SELECT id, external_author_name AS name FROM issues WHERE external_author IS NOT NULL",
    );
    const namesRead = () => statements.filter((s) => s.includes("external_author_name AS name")).length;
    const listed = async () => {
      const before = namesRead();
      const res = await api.graphql<Names>(NAMES, { p: "demo/app" }, { cookie });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return { nodes: res.data!.project.issues.nodes, reads: namesRead() - before };
    };
    /** Each issue's name as the issue alone shows it (read through requesterNames, never from a list row). */
    const alone = async (iid: string) =>
      (
        await api.graphql<{ project: { issue: { requesterName: string | null } } }>(
          ONE,
          { p: "demo/app", iid },
          { cookie },
        )
      ).data!.project.issue.requesterName;
    try {
      await db.dataSource.query(
        "UPDATE issues SET external_author_name = 'Kept ' || iid WHERE external_author IS NOT NULL",
      );
      const kept = await listed();
      expect(kept.nodes.length).toBeGreaterThan(10);
      expect(kept.nodes.every((n) => n.requesterName === `Kept ${n.iid}`)).toBe(true);
      expect(kept.reads).toBe(0);
      // An issue whose name was not kept (null: an older issue) is read as before, and only for it.
      const [legacy] = kept.nodes;
      await db.dataSource.query(
        "UPDATE issues SET external_author_name = NULL WHERE iid = $1 AND project_id = (SELECT id FROM projects WHERE full_path = 'demo/app')",
        [Number(legacy.iid)],
      );
      const mixed = await listed();
      expect(mixed.reads).toBe(1);
      for (const n of mixed.nodes.slice(0, 5)) expect(n.requesterName).toBe(await alone(n.iid));
      expect(mixed.nodes.find((n) => n.iid === legacy.iid)?.requesterName).not.toBe(`Kept ${legacy.iid}`);
    } finally {
      for (const r of saved)
        await db.dataSource.query("UPDATE issues SET external_author_name = $2 WHERE id = $1", [r.id, r.name]);
    }
  });

  it("lists a search's issues when their snippets cannot be read: each snippet fails alone", async () => {
    const SNIPPETS = `query($p: ID!) { project(fullPath: $p) { issues(state: all, search: "printer", first: 5) {
      nodes { title searchSnippet { source } } } } }`;
    type Snippets = { project: { issues: { nodes: { title: string; searchSnippet: { source: string } | null }[] } } };
    // The snippets' query reads the notes' text; the list's own statements do not.
    await db.dataSource.query("ALTER TABLE notes RENAME COLUMN body TO body_away");
    try {
      const res = await api.graphql<Snippets>(SNIPPETS, { p: "demo/app" }, { cookie });
      const nodes = res.data!.project.issues.nodes;
      expect(nodes).toHaveLength(5);
      expect(nodes.every((n) => n.title.startsWith("Printer on fire") && n.searchSnippet === null)).toBe(true);
      expect(res.errors?.length).toBe(5);
      expect(res.errors?.every((e) => (e as { path?: unknown[] }).path?.at(-1) === "searchSnippet")).toBe(true);
    } finally {
      await db.dataSource.query("ALTER TABLE notes RENAME COLUMN body_away TO body");
    }
    const after = await api.graphql<Snippets>(SNIPPETS, { p: "demo/app" }, { cookie });
    expect(after.errors).toBeUndefined();
    expect(after.data!.project.issues.nodes.filter((n) => n.searchSnippet !== null)).toHaveLength(5);
  });

  it("walks every page with a stable cursor, in each sort order, ties broken by id", async () => {
    for (const sort of ["CREATED_DESC", "CREATED_ASC", "UPDATED_DESC", "UPDATED_ASC"]) {
      const all = await list({ first: 100, sort, state: "all" });
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await list({ first: 7, after, sort, state: "all" });
        expect(page.count).toBe(all.count);
        seen.push(...page.nodes.map((n) => n.id));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(all.nodes.map((n) => n.id));
      expect(new Set(seen).size).toBe(62);
    }
    const created = await list({ first: 3, sort: "CREATED_ASC", state: "all" });
    expect(created.nodes.map((n) => n.title)).toEqual(["Question 59", "Question 58", "Question 57"]);
  });

  it("filters by state, labels, assignees, author, full text and #iid, and counts the matches", async () => {
    expect((await list({ state: "opened" })).count).toBe(2 + 45);
    expect((await list({ state: "closed" })).count).toBe(15);
    expect((await list({ state: "all", labelName: ["even"] })).count).toBe(30);
    expect((await list({ state: "all", labelName: ["EVEN", "customer"] })).count).toBe(0);
    expect((await list({ state: "all", assigneeUsernames: ["reporter"] })).count).toBe(12);
    expect((await list({ state: "all", authorUsername: "support-bot" })).count).toBe(62);
    expect((await list({ state: "all", authorUsername: "developer" })).count).toBe(0);
    const fire = await list({ state: "all", search: "printer fire" });
    expect(fire.nodes.map((n) => n.title).sort()).toEqual(
      [0, 10, 20, 30, 40, 50].map((n) => `Printer on fire ${n}`).sort(),
    );
    expect((await list({ state: "all", search: "customer7@example.net" })).nodes.map((n) => n.title)).toEqual([
      "Question 7",
    ]);
    expect((await list({ state: "all", search: "#2" })).nodes.map((n) => n.iid)).toEqual(["2"]);
    expect((await list({ state: "all", search: "print FIR" })).count).toBe(6); // prefixes, as you type
    expect((await list({ state: "all", search: '"fire 10" OR "Question 11"' })).count).toBe(2);
  });

  it("never lets a viewer below Reporter find an issue by its hidden requester address (item 32)", async () => {
    const guestCookie = await api.signIn("guest");
    const issue = await db.dataSource.transaction(async (m) => {
      const [bot] = await m.query("SELECT id FROM users WHERE username = 'support-bot'");
      return createIssue(m, {
        projectId: 1,
        title: "Where is my parcel",
        description: "No address in here",
        authorId: bot.id,
        externalAuthor: "secret.person@hidden.example",
      });
    });
    const search = (c: string, q: string) =>
      api.graphql<Page>(LIST, { p: "demo/app", search: q, state: "all" }, { cookie: c });
    const asGuest = await search(guestCookie, "secret.person@hidden.example");
    expect(asGuest.data?.project.issues.count).toBe(0);
    expect((await search(guestCookie, "parcel")).data?.project.issues.nodes.map((n) => n.id)).toEqual([
      `gid://tidings/Issue/${issue.id}`,
    ]);
    const asMaintainer = await search(cookie, "secret.person@hidden.example");
    expect(asMaintainer.data?.project.issues.nodes.map((n) => n.id)).toEqual([`gid://tidings/Issue/${issue.id}`]);
    await db.dataSource.query("UPDATE issues SET state = 'closed' WHERE id = $1", [issue.id]);
  });

  it("refuses filters with too many values", async () => {
    const res = await api.graphql(
      LIST,
      { p: "demo/app", labelName: Array.from({ length: 21 }, (_, i) => `l${i}`) },
      { cookie },
    );
    expect(res.errors?.[0]).toMatchObject({
      message: "Filter on at most 20 labels and 20 assignees.",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("answers a malformed cursor with an empty page, never an error", async () => {
    const page = await list({ first: 5, after: "not-a-cursor" });
    expect(page.nodes).toEqual([]);
  });

  it("moves a ticket: participants copied, sent notifications re-pointed, notes kept, old issue closed (item 41)", async () => {
    const source = await db.dataSource.transaction((m) =>
      serviceDeskIssue(m, {
        projectId: 1,
        title: "Wrong project",
        confidential: true,
        requester: "mover@customer.example",
      }),
    );
    const [participant] = await db.dataSource.query("SELECT id FROM issue_email_participants WHERE issue_id = $1", [
      source.id,
    ]);
    await db.dataSource.manager.insert(SentNotificationEntity, {
      replyKeyDigest: digest("0123456789abcdef0123456789abcdef"),
      projectId: source.projectId,
      issueId: source.id,
      participantId: participant.id,
      recipientEmail: "mover@customer.example",
    });
    const res = await api.graphql<{ issueMove: { issue: { id: string; iid: string } | null; errors: string[] } }>(
      "mutation($input: IssueMoveInput!) { issueMove(input: $input) { issue { id iid } errors } }",
      { input: { projectPath: "demo/app", iid: String(source.iid), targetProjectPath: "demo/other" } },
      { cookie },
    );
    expect(res.data?.issueMove.errors).toEqual([]);
    const newId = Number(res.data?.issueMove.issue?.id.split("/").pop());
    const moved = await api.graphql<{
      project: {
        issue: {
          title: string;
          confidential: boolean;
          externalAuthor: string;
          emailParticipants: { email: string }[];
          notes: { nodes: { body: string; system: boolean }[] };
        };
      };
    }>(
      `query($iid: String!) { project(fullPath: "demo/other") { issue(iid: $iid) { title confidential externalAuthor
         emailParticipants { email } notes { nodes { body system } } } } }`,
      { iid: res.data?.issueMove.issue?.iid },
      { cookie },
    );
    expect(moved.data?.project.issue).toMatchObject({
      title: "Wrong project",
      confidential: true,
      externalAuthor: "mover@customer.example",
      emailParticipants: [{ email: "mover@customer.example" }],
    });
    expect(moved.data?.project.issue.notes.nodes.at(-1)).toEqual({
      body: `moved from demo/app#${source.iid}`,
      system: true,
    });
    const sent = await db.dataSource.manager.findOneByOrFail(SentNotificationEntity, {
      replyKeyDigest: digest("0123456789abcdef0123456789abcdef"),
    });
    expect(sent.issueId).toBe(newId);
    const [copy] = await db.dataSource.query("SELECT id FROM issue_email_participants WHERE issue_id = $1", [newId]);
    expect(sent.participantId).toBe(copy.id);
    const old = await api.graphql<{ project: { issue: { state: string; movedTo: { id: string } } } }>(
      `query($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) { state movedTo { id } } } }`,
      { iid: String(source.iid) },
      { cookie },
    );
    expect(old.data?.project.issue).toEqual({ state: "closed", movedTo: { id: `gid://tidings/Issue/${newId}` } });
    const again = await api.graphql<{ issueMove: { errors: string[] } }>(
      "mutation($input: IssueMoveInput!) { issueMove(input: $input) { errors } }",
      { input: { projectPath: "demo/app", iid: String(source.iid), targetProjectPath: "demo/other" } },
      { cookie },
    );
    expect(again.data?.issueMove.errors).toEqual(["Cannot move issue which was already moved."]);
  });

  it("answers the state tabs' counts (as the web app asks for them) without reading a page, each state counted once", async () => {
    type Capped = { countCapped: number; countIsExact: boolean };
    const tabs = {
      needsReply: "state: all, needsReply: true",
      opened: "state: opened",
      closed: "state: closed",
      all: "state: all",
    };
    statements.length = 0;
    const res = await api.graphql<{ project: Record<string, Capped> }>(
      `{ project(fullPath: "demo/app") { ${Object.entries(tabs)
        .map(([alias, args]) => `${alias}: issues(${args}, first: 1) { countCapped countIsExact }`)
        .join(" ")} } }`,
      {},
      { cookie },
    );
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    // No page query (its rows carry a sort value); "all" is "opened" + "closed" of the same request.
    expect(statements.filter((sql) => /AS sort_value/.test(sql))).toEqual([]);
    expect(statements.filter((sql) => /count\(\*\)/.test(sql))).toHaveLength(3);
    // Each is the count of its own list.
    const { opened, closed, all } = res.data!.project;
    expect(opened).toEqual({ countCapped: (await list({ state: "opened" })).count, countIsExact: true });
    expect(closed).toEqual({ countCapped: (await list({ state: "closed" })).count, countIsExact: true });
    expect(all).toEqual({ countCapped: opened.countCapped + closed.countCapped, countIsExact: true });
    expect(opened.countCapped).toBeGreaterThan(0);
  });

  it("counts exactly up to 1,000 and says 1,000+ above it (countCapped, countIsExact); count stays exact", async () => {
    type Counts = { count: number; countCapped: number; countIsExact: boolean; nodes: { description: string }[] };
    const counts = async (search: string) => {
      const res = await api.graphql<{ project: { issues: Counts } }>(
        `query($search: String) { project(fullPath: "demo/app") {
           issues(state: all, search: $search, first: 1) { count countCapped countIsExact nodes { description } } } }`,
        { search },
        { cookie },
      );
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data!.project.issues;
    };
    const [{ id: projectId }] = await db.dataSource.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
    const [{ id: authorId }] = await db.dataSource.query("SELECT id FROM users WHERE username = 'support-bot'");
    const add = (n: number, offset: number) =>
      db.dataSource.query(
        `INSERT INTO issues (project_id, iid, title, description, author_id)
         SELECT $1, 100000 + $3 + g, 'Bulk ticket ' || g, 'bulk body ' || g, $2 FROM generate_series(1, $4) g`,
        [projectId, authorId, offset, n],
      );
    await add(1000, 0);
    // A list row leaves the description out; the field still answers it.
    expect(await counts("bulk")).toMatchObject({ count: 1000, countCapped: 1000, countIsExact: true });
    expect((await counts("bulk")).nodes[0].description).toMatch(/^bulk body \d+$/);
    await add(1, 1000);
    expect(await counts("bulk")).toMatchObject({ count: 1001, countCapped: 1000, countIsExact: false });
    expect(await counts("no-such-word")).toMatchObject({ count: 0, countCapped: 0, countIsExact: true });
  });
});
