// Issues 11.3 and 11.4 through GraphQL, two colleagues on one issue: each reads and replaces only their
// own draft, and posting removes only the poster's; a personal saved reply is invisible and unchangeable
// for everyone but its owner — absent and forbidden read the same.
import { ProjectEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_FOUND_OR_FORBIDDEN } from "../src/graphql/access.ts";
import { serviceDeskIssue } from "./fixtures.ts";
import { startTestApi, type TestApi } from "./harness.ts";

let db: TestDatabase;
let api: TestApi;
let issueGid: string;
let iid: string;
const cookies: Record<string, { cookie: string }> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db);
  const project = await db.dataSource.manager.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
  const issue = await db.dataSource.transaction((t) =>
    serviceDeskIssue(t, { projectId: project.id, title: "Two writers", confidential: false, requester: "c@x.example" }),
  );
  issueGid = `gid://tidings/Issue/${issue.id}`;
  iid = String(issue.iid);
  for (const u of ["developer", "reporter"]) cookies[u] = { cookie: await api.signIn(u) };
});
afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const gql = async <T>(who: string, query: string, variables: Record<string, unknown> = {}) => {
  const res = await api.graphql<T>(query, variables, cookies[who]);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as T;
};

const save = (who: string, body: string) =>
  gql<{ saveNoteDraft: { draft: { body: string } | null; errors: string[] } }>(
    who,
    "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body } errors } }",
    { input: { noteableId: issueGid, body } },
  );

const draftOf = async (who: string) =>
  (
    await gql<{ project: { issue: { noteDraft: { body: string } | null } } }>(
      who,
      `query($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) { noteDraft { body } } } }`,
      { iid },
    )
  ).project.issue.noteDraft?.body ?? null;

describe("drafts (11.3)", () => {
  it("each writer reads and replaces only their own; posting removes only the poster's", async () => {
    expect((await save("developer", "Dev's words")).saveNoteDraft).toEqual({
      draft: { body: "Dev's words" },
      errors: [],
    });
    await save("reporter", "Rep's words");
    await save("reporter", "Rep's second words");
    expect(await draftOf("developer")).toBe("Dev's words");
    expect(await draftOf("reporter")).toBe("Rep's second words");

    const posted = await gql<{ createNote: { errors: string[] } }>(
      "reporter",
      "mutation($input: CreateNoteInput!) { createNote(input: $input) { errors } }",
      { input: { noteableId: issueGid, body: "Rep's second words" } },
    );
    expect(posted.createNote.errors).toEqual([]);
    expect(await draftOf("reporter")).toBeNull();
    expect(await draftOf("developer")).toBe("Dev's words");

    // Emptied: gone, and the payload says so with a null draft.
    expect((await save("developer", "  \n ")).saveNoteDraft).toEqual({ draft: null, errors: [] });
    expect(await draftOf("developer")).toBeNull();
  });

  it("refuses an over-long draft in words and keeps the one saved", async () => {
    await save("developer", "Kept");
    const res = await save("developer", "x".repeat(1_000_001));
    expect(res.saveNoteDraft).toEqual({
      draft: null,
      errors: ["Draft is too long (maximum is 1,000,000 characters)."],
    });
    expect(await draftOf("developer")).toBe("Kept");
  });
});

describe("a draft's mark of what its writer had read (11.5 across reloads)", () => {
  type Marked = { body: string; lastSeenNoteId: string | null };
  const saveMarked = (who: string, body: string, lastSeenNoteId?: string) =>
    gql<{ saveNoteDraft: { draft: Marked | null; errors: string[] } }>(
      who,
      "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body lastSeenNoteId } errors } }",
      { input: { noteableId: issueGid, body, lastSeenNoteId } },
    );
  const markedDraftOf = async (who: string) =>
    (
      await gql<{ project: { issue: { noteDraft: Marked | null } } }>(
        who,
        `query($iid: String!) { project(fullPath: "demo/app") { issue(iid: $iid) { noteDraft { body lastSeenNoteId } } } }`,
        { iid },
      )
    ).project.issue.noteDraft;
  const reply = (who: string, body: string, lastSeenNoteId: string | null) =>
    gql<{ createNote: { note: { id: string } | null; staleNoteIds: string[]; errors: string[] } }>(
      who,
      "mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id } staleNoteIds errors } }",
      { input: { noteableId: issueGid, body, lastSeenNoteId } },
    );

  it("keeps the mark the draft began with, and a reply sent from it is checked against that mark", async () => {
    const first = await reply("developer", "An answer everyone has read.", null);
    const seen = first.createNote.note!.id;
    // The reporter begins a reply having read that answer; later saves send no mark and keep it.
    expect((await saveMarked("reporter", "Please restart", seen)).saveNoteDraft.draft).toEqual({
      body: "Please restart",
      lastSeenNoteId: seen,
    });
    await saveMarked("reporter", "Please restart the printer.");
    // Meanwhile the developer answers; the reporter's page is loaded again and finds the draft and its mark.
    const newer = (await reply("developer", "Have you tried turning it off and on again?", seen)).createNote.note!.id;
    const restored = await markedDraftOf("reporter");
    expect(restored).toEqual({ body: "Please restart the printer.", lastSeenNoteId: seen });
    // Sent with the restored mark: refused as stale, naming the newer answer; the draft stays.
    const sent = await reply("reporter", restored!.body, restored!.lastSeenNoteId);
    expect(sent.createNote).toMatchObject({ note: null, staleNoteIds: [newer] });
    expect(sent.createNote.errors.join(" ")).toContain("arrived on this ticket while you were writing");
    expect((await markedDraftOf("reporter"))?.body).toBe("Please restart the printer.");
  });

  it("answers a mark that names no note in words", async () => {
    const res = await api.graphql<{ saveNoteDraft: unknown }>(
      "mutation($input: SaveNoteDraftInput!) { saveNoteDraft(input: $input) { draft { body } errors } }",
      { input: { noteableId: issueGid, body: "x", lastSeenNoteId: "gid://tidings/Issue/1" } },
      cookies.reporter,
    );
    expect(res.data?.saveNoteDraft).toEqual({ draft: null, errors: ["lastSeenNoteId is not a note id."] });
  });
});

describe("personal saved replies (11.4)", () => {
  it("are the owner's alone: not listed, rendered, renamed or deleted by a colleague", async () => {
    const created = await gql<{ savedReplyCreate: { savedReply: { id: string; scope: string }; errors: string[] } }>(
      "developer",
      "mutation($input: SavedReplyCreateInput!) { savedReplyCreate(input: $input) { savedReply { id scope } errors } }",
      { input: { name: "Dev greeting", content: "Hello from %{ISSUE_PATH}" } },
    );
    expect(created.savedReplyCreate.errors).toEqual([]);
    const id = created.savedReplyCreate.savedReply.id;
    expect(created.savedReplyCreate.savedReply.scope).toBe("personal");

    const duplicate = await gql<{ savedReplyCreate: { errors: string[] } }>(
      "developer",
      "mutation($input: SavedReplyCreateInput!) { savedReplyCreate(input: $input) { errors } }",
      { input: { name: "dev GREETING", content: "Again" } },
    );
    expect(duplicate.savedReplyCreate.errors).toEqual(["Name has already been taken."]);

    const names = async (who: string) =>
      (
        await gql<{ project: { savedReplies: { name: string }[] } }>(
          who,
          `{ project(fullPath: "demo/app") { savedReplies { name } } }`,
        )
      ).project.savedReplies.map((r) => r.name);
    expect(await names("developer")).toEqual(["Dev greeting"]);
    expect(await names("reporter")).toEqual([]);

    const rendered = async (who: string) =>
      (
        await gql<{ project: { issue: { renderedSavedReply: string | null } } }>(
          who,
          `query($iid: String!, $id: ID!) { project(fullPath: "demo/app") { issue(iid: $iid) { renderedSavedReply(savedReplyId: $id) } } }`,
          { iid, id },
        )
      ).project.issue.renderedSavedReply;
    expect(await rendered("developer")).toBe(`Hello from demo/app#${iid}`);
    expect(await rendered("reporter")).toBeNull();

    const update = await gql<{ savedReplyUpdate: { savedReply: unknown; errors: string[] } }>(
      "reporter",
      "mutation($input: SavedReplyUpdateInput!) { savedReplyUpdate(input: $input) { savedReply { id } errors } }",
      { input: { id, name: "Hijacked", content: "Mine now" } },
    );
    const destroy = await gql<{ savedReplyDestroy: { savedReply: unknown; errors: string[] } }>(
      "reporter",
      "mutation($input: SavedReplyDestroyInput!) { savedReplyDestroy(input: $input) { savedReply { id } errors } }",
      { input: { id } },
    );
    const absent = await gql<{ savedReplyDestroy: { errors: string[] } }>(
      "reporter",
      "mutation($input: SavedReplyDestroyInput!) { savedReplyDestroy(input: $input) { errors } }",
      { input: { id: "gid://tidings/SavedReply/2000000000" } },
    );
    expect([update.savedReplyUpdate, destroy.savedReplyDestroy, absent.savedReplyDestroy]).toEqual([
      { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] },
      { savedReply: null, errors: [NOT_FOUND_OR_FORBIDDEN] },
      { errors: [NOT_FOUND_OR_FORBIDDEN] },
    ]);
    const [row] = await db.dataSource.query("SELECT name, content FROM saved_replies WHERE id = $1", [
      Number(id.split("/").pop()),
    ]);
    expect(row).toEqual({ name: "Dev greeting", content: "Hello from %{ISSUE_PATH}" });
  });
});
