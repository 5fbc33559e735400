import { IssueEntity, NoteEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moveIssue } from "../issues/move-issue.ts";
import { createProject } from "../projects/create-project.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

describe("a reply to the original email of a moved ticket", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db.drop());

  it("lands as a note on the issue where the ticket lives now, not on the closed original", async () => {
    const w = await createIngestWorld(db.dataSource);
    const fixture = (name: string) =>
      mailFixture(name, {
        projectId: w.project.id,
        slug: w.project.fullPathSlug,
        key: "mykey",
        host: "appmail.adventuretime.ooo",
      });
    const opened = await w.ingest(fixture("new-ticket-gmail.eml"));
    expect(opened.result).toMatchObject({ status: "issue" });
    const original = await db.dataSource.manager.findOneByOrFail(IssueEntity, { projectId: w.project.id });
    const moved = await db.dataSource.transaction(async (m) => {
      const bot = await ensureSupportBot(m);
      const target = await createProject(m, { groupPath: "email", path: "elsewhere", serviceDeskEnabled: true });
      return moveIssue(m, { issueId: original.id, targetProjectId: target.id, actorId: bot.id });
    });

    const reply = await w.ingest(fixture("reply-by-message-id.eml"));

    expect(reply.result).toMatchObject({ status: "note", issueId: moved.id, projectId: moved.projectId });
    const notes = await db.dataSource.manager.findBy(NoteEntity, { issueId: moved.id, system: false });
    expect(notes.map((n) => n.body)).toContain("It is still burning.\n\n`/label ~hardware`");
    expect(
      await db.dataSource.manager.countBy(NoteEntity, {
        issueId: original.id,
        externalAuthor: "ada@customer.example",
      }),
    ).toBe(0);
  });
});
