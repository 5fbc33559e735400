// Issue 11.3 and 11.4 on real PostgreSQL: a draft is kept per user and issue, replaced, removed when
// emptied and when its author posts; saved replies are validated with sentences a person can act on and
// their names are unique per owner, case-insensitively.
import { type EntityManager, IssueEntity, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDraft, saveDraft } from "../drafts/drafts.ts";
import { createIssue } from "../issues/create-issue.ts";
import { postComment } from "../notes/post-comment.ts";
import { loadProjectAbilities } from "../permissions/abilities.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { createSavedReply, deleteSavedReply, listSavedReplies, updateSavedReply } from "./saved-replies.ts";

let db: TestDatabase;
let m: EntityManager;
let issue: IssueEntity;
let project: ProjectEntity;
const user = (username: string) => m.findOneByOrFail(UserEntity, { username });

beforeAll(async () => {
  db = await createTestDatabase();
  m = db.dataSource.manager;
  await db.dataSource.transaction((t) => seedDemo(t, { password: "password1234" }));
  project = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  const dev = await user("developer");
  issue = await db.dataSource.transaction((t) =>
    createIssue(t, {
      projectId: project.id,
      title: "Draft me",
      description: "",
      authorId: dev.id,
      confidential: false,
    }),
  );
});
afterAll(async () => db?.drop());

describe("drafts (11.3)", () => {
  it("keeps one draft per user and issue, replaces it, and removes it when emptied", async () => {
    const [ana, ben] = [await user("developer"), await user("reporter")];
    await saveDraft(m, { userId: ana.id, issueId: issue.id, body: "First words", internal: false });
    await saveDraft(m, { userId: ana.id, issueId: issue.id, body: "Second words", internal: true });
    await saveDraft(m, { userId: ben.id, issueId: issue.id, body: "Ben's", internal: false });
    expect(await readDraft(m, ana.id, issue.id)).toMatchObject({ body: "Second words", internal: true });
    expect(await readDraft(m, ben.id, issue.id)).toMatchObject({ body: "Ben's" });
    await saveDraft(m, { userId: ben.id, issueId: issue.id, body: "   ", internal: false });
    expect(await readDraft(m, ben.id, issue.id)).toBeNull();
  });

  it("is gone once its author posts the comment; other people's drafts stay", async () => {
    const [ana, ben] = [await user("developer"), await user("reporter")];
    await saveDraft(m, { userId: ben.id, issueId: issue.id, body: "Ben still writing", internal: false });
    await db.dataSource.transaction(async (t) =>
      postComment(
        t,
        {
          publicUrl: "http://localhost",
          emailFrom: "s@t.test",
          incomingEmailAddress: "i+%{key}@t.test",
          serviceDeskEmailAddress: null,
          messageIdHost: "t.test",
        },
        {
          issue,
          author: ana,
          abilities: await loadProjectAbilities(t, ana, project),
          projectByPath: async () => null,
          body: "Second words",
          internal: true,
        },
      ),
    );
    expect(await readDraft(m, ana.id, issue.id)).toBeNull();
    expect(await readDraft(m, ben.id, issue.id)).toMatchObject({ body: "Ben still writing" });
  });

  it("refuses a draft over the note limit", async () => {
    const ana = await user("developer");
    await expect(
      saveDraft(m, { userId: ana.id, issueId: issue.id, body: "x".repeat(1_000_001), internal: false }),
    ).rejects.toThrow("Draft is too long (maximum is 1,000,000 characters).");
  });
});

describe("saved replies (11.4)", () => {
  it("lists the viewer's own, then the project's; names unique per owner, case-insensitively", async () => {
    const [ana, ben] = [await user("developer"), await user("reporter")];
    await createSavedReply(m, { owner: { userId: ana.id }, name: "Thanks", content: "Thanks %{REQUESTER_NAME}!" });
    await createSavedReply(m, { owner: { userId: ben.id }, name: "thanks", content: "Ben's own" });
    const shared = await createSavedReply(m, {
      owner: { projectId: project.id },
      name: "Refund",
      content: "Refunded.",
    });
    await expect(
      db.dataSource.transaction((t) =>
        createSavedReply(t, { owner: { userId: ana.id }, name: "THANKS", content: "x" }),
      ),
    ).rejects.toThrow("Name has already been taken.");
    expect((await listSavedReplies(m, { userId: ana.id, projectId: project.id })).map((r) => r.name)).toEqual([
      "Thanks",
      "Refund",
    ]);
    expect((await listSavedReplies(m, { userId: ana.id, projectId: null })).map((r) => r.name)).toEqual(["Thanks"]);
    await updateSavedReply(m, { id: shared.id, name: "Refund done", content: "Refunded in full." });
    await deleteSavedReply(m, shared.id);
    expect((await listSavedReplies(m, { userId: ana.id, projectId: project.id })).map((r) => r.name)).toEqual([
      "Thanks",
    ]);
  });

  it("says what is wrong with a saved reply", async () => {
    const ana = await user("developer");
    await expect(createSavedReply(m, { owner: { userId: ana.id }, name: " ", content: "" })).rejects.toThrow(
      "Name can't be blank. Content can't be blank.",
    );
    await expect(
      createSavedReply(m, { owner: { userId: ana.id }, name: "Long", content: "x".repeat(10_001) }),
    ).rejects.toThrow("Content is too long (maximum is 10,000 characters).");
  });
});
