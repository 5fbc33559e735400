// Issue 11.3 and 11.4 on real PostgreSQL: a draft is kept per user and issue, replaced, removed when
// emptied and when its author posts; saved replies are validated with sentences a person can act on and
// their names are unique per owner, case-insensitively.
import { type EntityManager, IssueEntity, ProjectEntity, UserEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discardDraft, readDraft, saveDraft } from "../drafts/drafts.ts";
import { createIssue } from "../issues/create-issue.ts";
import { postComment } from "../notes/post-comment.ts";
import { loadProjectAbilities } from "../permissions/abilities.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { createUser } from "../users/create-user.ts";
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

  it("is restored as saved, and goes with its issue", async () => {
    const ana = await user("developer");
    const doomed = await db.dataSource.transaction((t) =>
      createIssue(t, {
        projectId: project.id,
        title: "Doomed",
        description: "",
        authorId: ana.id,
        confidential: false,
      }),
    );
    const body = "Line one\n\n  indented, trailing spaces  \n";
    const saved = await saveDraft(m, { userId: ana.id, issueId: doomed.id, body, internal: false, lastSeenNoteId: 7 });
    expect(saved?.updatedAt).toBeInstanceOf(Date);
    // Restored exactly as typed (not trimmed): the composer puts it back where the cursor was; with it, the
    // newest note its writer had seen when they began (11.5), which a later save without one keeps.
    expect(await readDraft(m, ana.id, doomed.id)).toEqual({
      body,
      internal: false,
      lastSeenNoteId: 7,
      updatedAt: saved?.updatedAt,
    });
    await saveDraft(m, { userId: ana.id, issueId: doomed.id, body: `${body}more`, internal: false });
    expect(await readDraft(m, ana.id, doomed.id)).toMatchObject({ body: `${body}more`, lastSeenNoteId: 7 });
    await m.delete(IssueEntity, { id: doomed.id });
    const rows = await m.query("SELECT 1 FROM note_drafts WHERE issue_id = $1", [doomed.id]);
    expect(rows).toEqual([]);
  });

  it("discardDraft removes only the given user's draft", async () => {
    const [ana, ben] = [await user("developer"), await user("reporter")];
    await saveDraft(m, { userId: ana.id, issueId: issue.id, body: "Ana's", internal: false });
    await saveDraft(m, { userId: ben.id, issueId: issue.id, body: "Ben's", internal: false });
    await discardDraft(m, ana.id, issue.id);
    expect(await readDraft(m, ana.id, issue.id)).toBeNull();
    expect(await readDraft(m, ben.id, issue.id)).toMatchObject({ body: "Ben's" });
    await discardDraft(m, ben.id, issue.id);
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

  it("keeps personal and project names apart, and refuses a rename onto a taken name", async () => {
    const ana = await user("developer");
    const mine = await createSavedReply(m, { owner: { userId: ana.id }, name: "Escalate", content: "Mine" });
    // The same name in the project is another owner's: allowed.
    const shared = await createSavedReply(m, { owner: { projectId: project.id }, name: "Escalate", content: "Ours" });
    const other = await createSavedReply(m, { owner: { userId: ana.id }, name: "Close out", content: "Bye" });
    await expect(
      db.dataSource.transaction((t) => updateSavedReply(t, { id: other.id, name: " escalate ", content: "Bye" })),
    ).rejects.toThrow("Name has already been taken.");
    const renamed = await updateSavedReply(m, { id: other.id, name: "  Wrap up  ", content: "Bye now" });
    expect(renamed).toMatchObject({ name: "Wrap up", content: "Bye now", userId: ana.id, projectId: null });
    await expect(updateSavedReply(m, { id: 2_000_000_000, name: "Ghost", content: "x" })).rejects.toThrow(
      "The saved reply does not exist.",
    );
    for (const r of [mine, shared, other]) await deleteSavedReply(m, r.id);
  });

  it("go with their owner: a deleted user's drafts and personal replies, a deleted project's replies", async () => {
    const leaver = await createUser(m, { username: "leaver", email: "leaver@example.com" });
    await saveDraft(m, { userId: leaver.id, issueId: issue.id, body: "Unsent", internal: false });
    await createSavedReply(m, { owner: { userId: leaver.id }, name: "Mine", content: "x" });
    await m.delete(UserEntity, { id: leaver.id });
    expect(await m.query("SELECT 1 FROM note_drafts WHERE user_id = $1", [leaver.id])).toEqual([]);
    expect(await m.query("SELECT 1 FROM saved_replies WHERE user_id = $1", [leaver.id])).toEqual([]);

    const other = await m.findOneByOrFail(ProjectEntity, { fullPath: "demo/other" });
    await createSavedReply(m, { owner: { projectId: other.id }, name: "Theirs", content: "x" });
    await m.query("DELETE FROM issues WHERE project_id = $1", [other.id]);
    await m.delete(ProjectEntity, { id: other.id });
    expect(await m.query("SELECT 1 FROM saved_replies WHERE project_id = $1", [other.id])).toEqual([]);
  });

  it("says what is wrong with a saved reply", async () => {
    const ana = await user("developer");
    await expect(createSavedReply(m, { owner: { userId: ana.id }, name: " ", content: "" })).rejects.toThrow(
      "Name can't be blank. Content can't be blank.",
    );
    await expect(
      createSavedReply(m, { owner: { userId: ana.id }, name: "Long", content: "x".repeat(10_001) }),
    ).rejects.toThrow("Content is too long (maximum is 10,000 characters).");
    await expect(
      createSavedReply(m, { owner: { userId: ana.id }, name: "n".repeat(256), content: "ok" }),
    ).rejects.toThrow("Name is too long (maximum is 255 characters).");
    // At the limits exactly: accepted.
    const edge = await createSavedReply(m, {
      owner: { userId: ana.id },
      name: "n".repeat(255),
      content: "c".repeat(10_000),
    });
    await deleteSavedReply(m, edge.id);
  });
});
