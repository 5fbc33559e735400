// Issue 9.11: the visibility policy's two halves — the predicate over loaded rows and the SQL condition —
// select exactly the same issues and notes for every viewer (each role, an outsider, anonymous, an
// admin, a blocked user) in a private and a public project, on a real PostgreSQL. The list query that
// GraphQL runs selects the same issues too.
import { IssueAssigneeEntity, IssueEntity, NoteEntity, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIssue } from "../issues/create-issue.ts";
import { countIssues } from "../issues/list-counts.ts";
import { listIssueIds } from "../issues/list-issues.ts";
import { createProject } from "../projects/create-project.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { loadProjectAbilities, type Viewer } from "./abilities.ts";
import { issueVisibility, noteVisibility } from "./visibility.ts";

let db: TestDatabase;
const VIEWERS = ["admin", "owner", "maintainer", "developer", "reporter", "guest", "outsider", "anonymous", "blocked"];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction(async (m) => {
    await seedDemo(m, { password: "visibility-test-password" });
    const bot = await ensureSupportBot(m);
    await createProject(m, { groupPath: "demo", path: "open", visibility: "public", serviceDeskEnabled: true });
    const blocked = await m.findOneByOrFail(UserEntity, { username: "outsider" });
    await m.save(
      m.create(UserEntity, {
        ...blocked,
        id: undefined,
        username: "blocked",
        email: "blocked@example.com",
        blocked: true,
      }),
    );
    for (const fullPath of ["demo/app", "demo/open"]) {
      const project = await m.findOneByOrFail(ProjectEntity, { fullPath });
      for (const confidential of [false, true]) {
        for (const assignee of [null, "guest", "outsider"]) {
          const issue = await createIssue(m, {
            projectId: project.id,
            title: `${confidential ? "secret" : "open"} ${assignee ?? "unassigned"}`,
            authorId: bot.id,
            confidential,
          });
          if (assignee) {
            const user = await m.findOneByOrFail(UserEntity, { username: assignee });
            await m.save(m.create(IssueAssigneeEntity, { issueId: issue.id, userId: user.id }));
          }
          for (const internal of [false, true]) {
            await m.save(m.create(NoteEntity, { issueId: issue.id, authorId: bot.id, body: "n", internal }));
          }
        }
      }
    }
  });
});
afterAll(async () => db.drop());

const viewerOf = async (name: string): Promise<Viewer> => {
  if (name === "anonymous") return null;
  const u = await db.dataSource.manager.findOneByOrFail(UserEntity, { username: name });
  return u.blocked ? null : { id: u.id, username: u.username, admin: u.admin };
};

describe.each(["demo/app", "demo/open"])("in %s", (fullPath) => {
  it.each(VIEWERS)("the predicate and the SQL agree for %s", async (name) => {
    const m = db.dataSource.manager;
    const project = await m.findOneByOrFail(ProjectEntity, { fullPath });
    const viewer = await viewerOf(name);
    const abilities = await loadProjectAbilities(m, viewer, project);
    const issues = await m.find(IssueEntity, { where: { projectId: project.id }, order: { id: "ASC" } });
    const assignees = await m.findBy(IssueAssigneeEntity, {});

    const inMemory = issues
      .filter((i) =>
        issueVisibility.allows(
          abilities,
          i,
          viewer !== null && assignees.some((a) => a.issueId === i.id && a.userId === viewer.id),
        ),
      )
      .map((i) => i.id);
    const params: unknown[] = [project.id];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const condition = issueVisibility.sql(abilities, viewer?.id ?? null, p);
    const bySql = (
      await m.query(`SELECT i.id FROM issues i WHERE i.project_id = $1 AND ${condition} ORDER BY i.id`, params)
    ).map((r: { id: number }) => r.id);
    expect(bySql).toEqual(inMemory);

    // The list GraphQL runs (when the project is readable at all) selects the same issues.
    if (abilities.readProject) {
      const filter = {
        projectId: project.id,
        state: "all" as const,
        readConfidential: abilities.readConfidential,
        viewerId: viewer?.id ?? null,
      };
      const page = await listIssueIds(m, filter, { first: 100, sort: "CREATED_ASC" });
      expect(page.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(inMemory);
      expect(await countIssues(m, filter)).toBe(inMemory.length);
    } else {
      expect(inMemory).toEqual([]);
    }

    // Notes of the visible issues.
    const notes = await m.find(NoteEntity, { order: { id: "ASC" } });
    const visibleNotes = notes
      .filter((n) => inMemory.includes(n.issueId) && noteVisibility.allows(abilities, n))
      .map((n) => n.id);
    const noteSql = (
      await m.query(
        `SELECT n.id FROM notes n WHERE n.issue_id = ANY($1) AND ${noteVisibility.sql(abilities, "n")} ORDER BY n.id`,
        [inMemory],
      )
    ).map((r: { id: number }) => r.id);
    expect(noteSql).toEqual(visibleNotes);
  });
});

it("gives each role what GitLab gives it (a spot check of the rule itself)", async () => {
  const m = db.dataSource.manager;
  const project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  const titles = async (name: string) => {
    const viewer = await viewerOf(name);
    const abilities = await loadProjectAbilities(m, viewer, project);
    const issues = await m.findBy(IssueEntity, { projectId: project.id });
    const assignees = await m.findBy(IssueAssigneeEntity, {});
    return issues
      .filter((i) =>
        issueVisibility.allows(
          abilities,
          i,
          !!viewer && assignees.some((a) => a.issueId === i.id && a.userId === viewer.id),
        ),
      )
      .map((i) => i.title)
      .sort();
  };
  expect(await titles("reporter")).toHaveLength(6);
  expect(await titles("guest")).toEqual(["open guest", "open outsider", "open unassigned", "secret guest"]);
  expect(await titles("outsider")).toEqual([]);
  expect(await titles("anonymous")).toEqual([]);
});
