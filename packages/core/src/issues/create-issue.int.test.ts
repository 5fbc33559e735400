import { type DataSource, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "../groups/create-group.ts";
import { createProject } from "../projects/create-project.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { createIssue } from "./create-issue.ts";

describe("createIssue", () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
  });
  afterAll(async () => db.drop());

  it("gives 50 concurrent creations in one project iids 1..50 with no gap or duplicate", async () => {
    const { projectId, botId } = await ds.transaction(async (m) => {
      const bot = await ensureSupportBot(m);
      await createGroup(m, { path: "race" });
      const p = await createProject(m, { groupPath: "race", path: "p" });
      return { projectId: p.id, botId: bot.id };
    });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ds.transaction((m) => createIssue(m, { projectId, title: `Issue ${i}`, authorId: botId })),
      ),
    );
    const iids = (await ds.getRepository(IssueEntity).find({ where: { projectId }, order: { iid: "ASC" } })).map(
      (i) => i.iid,
    );
    expect(iids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("does not burn an iid when the creating transaction rolls back", async () => {
    const { projectId, botId } = await ds.transaction(async (m) => {
      const bot = await ensureSupportBot(m);
      await createGroup(m, { path: "rollback" });
      const p = await createProject(m, { groupPath: "rollback", path: "p" });
      return { projectId: p.id, botId: bot.id };
    });
    await expect(
      ds.transaction(async (m) => {
        await createIssue(m, { projectId, title: "lost", authorId: botId });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const issue = await ds.transaction((m) => createIssue(m, { projectId, title: "kept", authorId: botId }));
    expect(issue.iid).toBe(1);
  });

  it("refuses a blank title with a sentence a person can act on", async () => {
    await expect(ds.transaction((m) => createIssue(m, { projectId: 1, title: "  ", authorId: 1 }))).rejects.toThrow(
      "Title can't be blank.",
    );
  });
});
