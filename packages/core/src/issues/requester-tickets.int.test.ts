// Issue 10.4: the requester's other tickets in the project, open first then newest, counted
// case-insensitively by address; other requesters and other projects stay out.
import { IssueEntity, ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { createIssue } from "./create-issue.ts";
import { requesterHistory } from "./requester-tickets.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.dataSource.transaction((t) => seedDemo(t, { password: "password1234" }));
});
afterAll(async () => db?.drop());

it("lists the requester's other tickets, open first, and counts them all", async () => {
  const made = await db.dataSource.transaction(async (t) => {
    const bot = await ensureSupportBot(t);
    const app = await t.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
    const other = await t.findOneByOrFail(ProjectEntity, { fullPath: "demo/other" });
    const open = (title: string, externalAuthor: string, projectId = app.id) =>
      createIssue(t, { projectId, title, description: "", authorId: bot.id, confidential: true, externalAuthor });
    const first = await open("First", "ada@customer.example");
    const closed = await open("Closed one", "ADA@customer.example");
    await t.update(IssueEntity, { id: closed.id }, { state: "closed" });
    const second = await open("Second", "ada@customer.example");
    await open("Someone else", "ben@customer.example");
    await open("Other project", "ada@customer.example", other.id);
    const current = await open("Current", "Ada@Customer.example");
    return { app, first, second, current };
  });
  const h = await requesterHistory(db.dataSource.manager, {
    projectId: made.app.id,
    issueId: made.current.id,
    requester: "ada@customer.example",
  });
  expect([h.total, h.open]).toEqual([4, 3]);
  expect(h.others.map((t) => t.title)).toEqual(["Second", "First", "Closed one"]);
});
