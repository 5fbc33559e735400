// Issue 10.2: the bell counts what the inbox shows. A Guest assigned to a confidential ticket is told of it
// (GitLab lets assignees read their confidential issues): the entry is listed and counted; once unassigned,
// it is neither — the count follows the issue's visibility, not the project's role alone.
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createFixtures } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./harness.ts";

let db: TestDatabase;
let api: TestApi;
let fx: Awaited<ReturnType<typeof createFixtures>>;
beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
  fx = await createFixtures(db.dataSource);
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Inbox = { notifications: { unreadCount: number; nodes: { issue: { iid: string } }[] } };

it("counts an assigned Guest's notification about a confidential ticket while they may read it", async () => {
  const issue = fx["demo/app"].confidential;
  const [{ id: guestId }] = await db.dataSource.query("SELECT id FROM users WHERE username = 'guest'");
  await db.dataSource.query("INSERT INTO issue_assignees (issue_id, user_id) VALUES ($1, $2)", [issue.id, guestId]);
  await db.dataSource.query(
    "INSERT INTO notifications (user_id, project_id, issue_id, kind, reason) VALUES ($1, $2, $3, 'customer_reply', 'assigned')",
    [guestId, issue.projectId, issue.id],
  );
  const cookie = await api.signIn("guest");
  const inbox = async () =>
    (await api.graphql<Inbox>("{ notifications { unreadCount nodes { issue { iid } } } }", {}, { cookie })).data
      ?.notifications;

  expect(await inbox()).toEqual({ unreadCount: 1, nodes: [{ issue: { iid: String(issue.iid) } }] });
  await db.dataSource.query("DELETE FROM issue_assignees WHERE issue_id = $1 AND user_id = $2", [issue.id, guestId]);
  expect(await inbox()).toEqual({ unreadCount: 0, nodes: [] });
});
