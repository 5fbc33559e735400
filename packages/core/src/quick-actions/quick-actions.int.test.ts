// Issue 11.1 on real PostgreSQL: quick actions in a responder's comment run with the author's permissions
// (one row per command and role), are taken out of the stored and emailed text, and a comment of commands
// only sends nothing. The description template's commands run on every new ticket.
import {
  EmailParticipantEntity,
  type EntityManager,
  IssueEntity,
  NoteEntity,
  OutboundEmailEntity,
  ProjectEntity,
  ServiceDeskSettingEntity,
  UserEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { createIssue } from "../issues/create-issue.ts";
import { postComment, STALE_REPLY_MESSAGE } from "../notes/post-comment.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { withQueuedBodies } from "../notifications/render-queued.ts";
import { loadProjectAbilities } from "../permissions/abilities.ts";
import { seedDemo } from "../seed/seed-demo.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { QUICK_ACTION_DENIED } from "./run.ts";

const mail: MailSettings = {
  publicUrl: "http://localhost:3000",
  emailFrom: "support@tidings.test",
  incomingEmailAddress: "incoming+%{key}@tidings.test",
  serviceDeskEmailAddress: null,
  messageIdHost: "tidings.test",
};

let db: TestDatabase;
let m: EntityManager;
beforeAll(async () => {
  db = await createTestDatabase();
  m = db.dataSource.manager;
  await db.dataSource.transaction((t) => seedDemo(t, { password: "password1234" }));
});
afterAll(async () => db?.drop());

const project = (fullPath = "demo/app") => m.findOneByOrFail(ProjectEntity, { fullPath });

const ticket = async (title = "Printer offline", requester = "jake@customer.example") =>
  db.dataSource.transaction(async (t) => {
    const bot = await ensureSupportBot(t);
    const p = await t.findOneByOrFail(ProjectEntity, { fullPath: "demo/app" });
    const issue = await createIssue(t, {
      projectId: p.id,
      title,
      description: "It is offline.",
      authorId: bot.id,
      confidential: true,
      externalAuthor: requester,
    });
    await t.save(t.create(EmailParticipantEntity, { issueId: issue.id, email: requester }));
    return issue;
  });

/** Posts as `username`, with the abilities the one policy gives that user. */
const post = async (
  username: string,
  issue: IssueEntity,
  body: string,
  extra: { internal?: boolean; lastSeenNoteId?: number | null; stateEvent?: "close" | "reopen" } = {},
) =>
  db.dataSource.transaction(async (t) => {
    const user = await t.findOneByOrFail(UserEntity, { username });
    const viewer = { id: user.id, username: user.username, admin: user.admin };
    const current = await t.findOneByOrFail(IssueEntity, { id: issue.id });
    return postComment(t, mail, {
      issue: current,
      author: viewer,
      abilities: await loadProjectAbilities(t, viewer, await t.findOneByOrFail(ProjectEntity, { id: issue.projectId })),
      projectByPath: async (fullPath) => {
        const p = await t.findOneBy(ProjectEntity, { fullPath });
        return p ? { projectId: p.id, abilities: await loadProjectAbilities(t, viewer, p) } : null;
      },
      body,
      internal: extra.internal ?? false,
      lastSeenNoteId: extra.lastSeenNoteId,
      stateEvent: extra.stateEvent,
    });
  });

/** The issue's queued emails, with the bodies they are sent with. */
const emailsOf = async (issueId: number) =>
  (await m.find(OutboundEmailEntity, { where: { issueId }, order: { id: "ASC" } })).map((row) =>
    withQueuedBodies(mail, row),
  );
const labelsOf = async (issueId: number) =>
  (
    (await m.query(
      "SELECT l.title FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1 ORDER BY 1",
      [issueId],
    )) as { title: string }[]
  ).map((r) => r.title);
const assigneesOf = async (issueId: number) =>
  (
    (await m.query(
      "SELECT u.username FROM issue_assignees a JOIN users u ON u.id = a.user_id WHERE a.issue_id = $1 ORDER BY 1",
      [issueId],
    )) as { username: string }[]
  ).map((r) => r.username);

describe("a comment's quick actions (11.1)", () => {
  it("labels and assigns, stores and emails only the text", async () => {
    const issue = await ticket();
    const out = await post("reporter", issue, "Thanks! /label ~billing /assign @developer");
    if (out.kind !== "posted") throw new Error(out.kind);
    expect(out.note?.body).toBe("Thanks!");
    expect(out.messages).toEqual(['Added ~"billing" label.', "Assigned @developer."]);
    expect(await labelsOf(issue.id)).toEqual(["billing"]);
    expect(await assigneesOf(issue.id)).toEqual(["developer"]);
    const [email] = (await emailsOf(issue.id)).filter((e) => e.kind === "new_note");
    expect(email.textBody).toContain("Thanks!");
    expect(email.textBody).not.toMatch(/\/label|\/assign|billing|@developer/);
    const system = await m.find(NoteEntity, { where: { issueId: issue.id, system: true }, order: { id: "ASC" } });
    expect(system.map((n) => n.body)).toEqual(['added ~"billing" label', "assigned to @developer"]);
  });

  it("a comment of commands only stores no note and sends no email", async () => {
    const issue = await ticket();
    const out = await post("reporter", issue, "/close\n/label ~done");
    expect(out).toMatchObject({ kind: "posted", note: null, emailed: false });
    expect((await m.findOneByOrFail(IssueEntity, { id: issue.id })).state).toBe("closed");
    expect(await emailsOf(issue.id)).toEqual([]);
    expect(await m.countBy(NoteEntity, { issueId: issue.id, system: false })).toBe(0);
  });

  it("commands in code are text, and are emailed as written", async () => {
    const issue = await ticket();
    const out = await post("reporter", issue, "Type this:\n```\n/close\n```");
    expect(out).toMatchObject({ kind: "posted", emailed: true });
    expect((await m.findOneByOrFail(IssueEntity, { id: issue.id })).state).toBe("opened");
  });

  it("unlabel, unassign, title, confidential, reopen, and Comment & close", async () => {
    const issue = await ticket();
    await post("maintainer", issue, '/label ~a ~"needs info" ~b\n/assign @developer @reporter');
    await post("maintainer", issue, '/unlabel ~"needs info"\n/unassign @reporter\n/title Printer on floor 2');
    expect(await labelsOf(issue.id)).toEqual(["a", "b"]);
    expect(await assigneesOf(issue.id)).toEqual(["developer"]);
    expect((await m.findOneByOrFail(IssueEntity, { id: issue.id })).title).toBe("Printer on floor 2");
    await post("maintainer", issue, "Fixed.", { stateEvent: "close" });
    expect((await m.findOneByOrFail(IssueEntity, { id: issue.id })).state).toBe("closed");
    await post("maintainer", issue, "/reopen\n/unlabel\n/unassign");
    const after = await m.findOneByOrFail(IssueEntity, { id: issue.id });
    expect([after.state, await labelsOf(issue.id), await assigneesOf(issue.id)]).toEqual(["opened", [], []]);
  });

  it("/internal makes the note internal and it is never emailed", async () => {
    const issue = await ticket();
    const out = await post("reporter", issue, "Customer is on the old plan.\n/internal");
    expect(out).toMatchObject({ kind: "posted", emailed: false, note: { internal: true } });
    expect(await emailsOf(issue.id)).toEqual([]);
  });

  it("/add_email and /remove_email manage participants; that comment is not emailed (GitLab item 30)", async () => {
    const issue = await ticket();
    await post("reporter", issue, "Adding your colleague.\n/add_email ben@customer.example");
    const emails = await emailsOf(issue.id);
    expect(emails.map((e) => [e.kind, e.toAddress])).toEqual([["new_participant", "ben@customer.example"]]);
    await post("reporter", issue, "/remove_email ben@customer.example");
    expect((await m.findBy(EmailParticipantEntity, { issueId: issue.id })).map((p) => p.email)).toEqual([
      "jake@customer.example",
    ]);
    await expect(post("reporter", issue, "/remove_email nobody@customer.example")).rejects.toThrow(
      "No email participants were removed. Either none were provided, or they don't exist.",
    );
  });

  it("/move takes the issue to a project where the author may", async () => {
    const issue = await ticket();
    await expect(post("reporter", issue, "/move demo/other")).rejects.toThrow(QUICK_ACTION_DENIED.move);
    const out = await post("maintainer", issue, "Billing handles this.\n/move demo/other");
    if (out.kind !== "posted") throw new Error(out.kind);
    const moved = await m.findOneByOrFail(IssueEntity, { id: out.issueId });
    expect(moved.projectId).toBe((await project("demo/other")).id);
    expect((await m.findOneByOrFail(IssueEntity, { id: issue.id })).state).toBe("closed");
  });

  it("/convert_to_ticket makes a team issue a ticket with no thank-you", async () => {
    const p = await project();
    const developer = await m.findOneByOrFail(UserEntity, { username: "developer" });
    const issue = await db.dataSource.transaction((t) =>
      createIssue(t, {
        projectId: p.id,
        title: "Call back",
        description: "",
        authorId: developer.id,
        confidential: false,
      }),
    );
    await post("reporter", issue, "/convert_to_ticket caller@customer.example");
    const after = await m.findOneByOrFail(IssueEntity, { id: issue.id });
    expect(after.externalAuthor).toBe("caller@customer.example");
    expect(after.confidential).toBe(true);
    expect(await emailsOf(issue.id)).toEqual([]);
    await expect(post("reporter", issue, "/convert_to_ticket x@customer.example")).rejects.toThrow(
      "Cannot convert to ticket because it is already a ticket.",
    );
  });

  // One row per command and role: who may run it. A refused command changes nothing, the comment included.
  const COMMANDS: [string, string][] = [
    ["close", "/close"],
    ["label", "/label ~x"],
    ["unlabel", "/unlabel ~x"],
    ["assign", "/assign @developer"],
    ["unassign", "/unassign"],
    ["confidential", "/confidential"],
    ["title", "/title New"],
    ["add_email", "/add_email ben@customer.example"],
    ["remove_email", "/remove_email jake@customer.example"],
    ["internal", "note\n/internal"],
  ];
  for (const [name, body] of COMMANDS) {
    for (const [role, allowed] of [
      ["guest", false],
      ["reporter", true],
      ["maintainer", true],
    ] as const) {
      it(`/${name} as ${role}: ${allowed ? "runs" : "refused, nothing changes"}`, async () => {
        const issue = await ticket();
        const notesBefore = await m.countBy(NoteEntity, { issueId: issue.id });
        const run = post(role, issue, `Hello ${body}`);
        if (allowed) {
          await expect(run).resolves.toMatchObject({ kind: "posted" });
        } else {
          await expect(run).rejects.toThrow(QUICK_ACTION_DENIED[name as keyof typeof QUICK_ACTION_DENIED]);
          expect(await m.countBy(NoteEntity, { issueId: issue.id })).toBe(notesBefore);
          expect(await emailsOf(issue.id)).toEqual([]);
        }
      });
    }
  }
});

describe("what a posted reply says it did", () => {
  it("says emailed only when an email was queued: not when every participant unsubscribed, nor without any", async () => {
    const issue = await ticket("Stop emailing me", "quiet@customer.example");
    expect(await post("reporter", issue, "First answer.")).toMatchObject({ kind: "posted", emailed: true });
    await m.update(EmailParticipantEntity, { issueId: issue.id }, { unsubscribedAt: new Date() });
    const after = await post("reporter", issue, "Anyone still there?");
    expect(after).toMatchObject({ kind: "posted", emailed: false, note: { body: "Anyone still there?" } });
    await m.delete(EmailParticipantEntity, { issueId: issue.id });
    expect(await post("reporter", issue, "Nobody to email.")).toMatchObject({ kind: "posted", emailed: false });
    expect((await emailsOf(issue.id)).filter((e) => e.kind === "new_note").map((e) => e.textBody)).toEqual([
      expect.stringContaining("First answer."),
    ]);
  });
});

describe("stale reply check (11.5)", () => {
  it("refuses a public reply written before a newer customer message, and sends once confirmed", async () => {
    const issue = await ticket();
    const first = await post("reporter", issue, "We are looking into it.");
    if (first.kind !== "posted" || !first.note) throw new Error("no note");
    const bot = await ensureSupportBot(m);
    const customer = await m.save(
      m.create(NoteEntity, {
        issueId: issue.id,
        authorId: bot.id,
        body: "Never mind!",
        externalAuthor: "jake@customer.example",
      }),
    );
    const stale = await post("developer", issue, "Try restarting it.", { lastSeenNoteId: first.note.id });
    expect(stale).toEqual({ kind: "stale", newerNoteIds: [customer.id] });
    expect(STALE_REPLY_MESSAGE).toMatch(/send again to confirm/);
    expect(await m.countBy(NoteEntity, { issueId: issue.id, body: "Try restarting it." })).toBe(0);
    // Internal notes are never held back, and the confirmed reply goes through.
    await expect(
      post("developer", issue, "FYI", { lastSeenNoteId: first.note.id, internal: true }),
    ).resolves.toMatchObject({
      kind: "posted",
    });
    await expect(
      post("developer", issue, "Try restarting it.", { lastSeenNoteId: customer.id }),
    ).resolves.toMatchObject({
      kind: "posted",
      emailed: true,
    });
  });
});

describe("description template quick actions (GitLab item 7)", () => {
  let world: ReturnType<typeof createIngestWorld>;
  beforeAll(() => {
    world = createIngestWorld(db.dataSource, {
      settings: { issueTemplate: 'Checklist:\n- [ ] reproduce\n/label ~triage ~"from email"\n/confidential' },
    });
  });
  it("run on the new ticket as the Support Bot and are not in the description or the thank-you", async () => {
    const w = await world;
    const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
    const { result } = await w.ingest(
      Buffer.from(
        `From: Ada <ada@customer.example>\r\nTo: ${desk}\r\nSubject: Help\r\nMessage-ID: <tpl@customer.example>\r\n\r\nMy printer.\r\n`,
      ),
    );
    const issue = await m.findOneByOrFail(IssueEntity, { id: result!.issueId! });
    expect(issue.description).toBe("My printer.\n\nChecklist:\n- [ ] reproduce");
    expect(await labelsOf(issue.id)).toEqual(["from email", "triage"]);
    const [thanks] = await emailsOf(issue.id);
    expect(thanks.kind).toBe("thank_you");
    expect(thanks.textBody).not.toMatch(/Checklist|\/label/);
  });

  it("a command that cannot run leaves an internal warning and the ticket is still opened", async () => {
    const w = await world;
    await m.update(ServiceDeskSettingEntity, { projectId: w.project.id }, { issueTemplate: "/assign @nobody-here" });
    const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
    const { result } = await w.ingest(
      Buffer.from(
        `From: ada@customer.example\r\nTo: ${desk}\r\nSubject: Help 2\r\nMessage-ID: <tpl2@customer.example>\r\n\r\nHi.\r\n`,
      ),
    );
    const notes = await m.findBy(NoteEntity, { issueId: result!.issueId!, system: true });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ internal: true });
    expect(notes[0].body).toMatch(/description template could not run: nobody-here can't be assigned/);
  });
});
