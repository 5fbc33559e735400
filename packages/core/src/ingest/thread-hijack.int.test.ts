// Issue 9.3: knowing a customer's original Message-ID (it travels in every reply chain) must not let a
// stranger join the thread. Their mail is kept, clearly marked, as an internal note; they are never added
// as a participant, never emailed, never reopen the ticket. The customer's own replies work as before.
import { EmailParticipantEntity, IssueEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNote } from "../notes/create-note.ts";
import { createUser } from "../users/create-user.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe("a reply matched only by In-Reply-To/References", () => {
  it("from a stranger: an internal, marked note; no participant, no email, no reopening", async () => {
    const w = await createIngestWorld(db.dataSource, { settings: { addExternalParticipantsFromCc: true } });
    const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, host: "appmail.adventuretime.ooo" };
    const opened = await w.ingest(mailFixture("new-ticket-gmail.eml", vars));
    expect(opened.result).toMatchObject({ status: "issue" });
    const issueId = opened.result!.issueId!;
    const m = db.dataSource.manager;
    await m.update(IssueEntity, { id: issueId }, { state: "closed", closedAt: new Date() });

    const forged = Buffer.from(
      mailFixture("reply-by-message-id.eml", vars)
        .toString("latin1")
        .replace(
          "From: Ada Lovelace <ada@customer.example>",
          "From: Mallory <mallory@attacker.example>\r\nCc: eve@attacker.example",
        )
        .replace(/^Message-ID: .*$/m, "Message-ID: <forged-1@attacker.example>"),
      "latin1",
    );
    const stranger = await w.ingest(forged);
    expect(stranger.result).toMatchObject({ status: "note", issueId });
    expect(stranger.result?.reason).toMatch(/not a participant/);

    const note = await m.findOneByOrFail(NoteEntity, { id: stranger.result!.noteId! });
    expect(note.internal).toBe(true);
    expect(note.externalAuthor).toBe("mallory@attacker.example");
    expect(note.body).toMatch(/^> \*\*From a new address:\*\* `mallory@attacker\.example` is not a participant/);
    expect(note.body).toContain("It is still burning.");
    const participants = await m.findBy(EmailParticipantEntity, { issueId });
    expect(participants.map((p) => p.email)).toEqual(["ada@customer.example"]);
    expect((await m.findOneByOrFail(IssueEntity, { id: issueId })).state).toBe("closed");

    // The responder's next public reply reaches the customer, and only the customer.
    const responder = await db.dataSource.transaction((t) =>
      createUser(t, {
        username: "responder",
        email: "responder@example.com",
        name: "Responder",
        password: "pw-123456789",
      }),
    );
    await db.dataSource.transaction((t) =>
      createNote(t, w.settings.mail, { issueId, authorId: responder.id, body: "We are on it." }),
    );
    const outbound = await m.find(OutboundEmailEntity, { where: { issueId }, order: { id: "ASC" } });
    expect(outbound.map((o) => [o.kind, o.toAddress])).toEqual([
      ["thank_you", "ada@customer.example"],
      ["new_note", "ada@customer.example"],
    ]);
  });

  it("from the customer: a public note as before", async () => {
    const db2 = await createTestDatabase();
    try {
      const w = await createIngestWorld(db2.dataSource);
      const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, host: "appmail.adventuretime.ooo" };
      const opened = await w.ingest(mailFixture("new-ticket-gmail.eml", vars));
      const reply = await w.ingest(mailFixture("reply-by-message-id.eml", vars));
      expect(reply.result).toMatchObject({ status: "note", issueId: opened.result!.issueId });
      const note = await db2.dataSource.manager.findOneByOrFail(NoteEntity, { id: reply.result!.noteId! });
      expect(note.internal).toBe(false);
      expect(note.body).toBe("It is still burning.\n\n`/label ~hardware`");
    } finally {
      await db2.drop();
    }
  });
});
