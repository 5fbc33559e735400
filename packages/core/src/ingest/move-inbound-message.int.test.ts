// Issue 12.6 on the ingest path (real PostgreSQL): every email records why it landed where it did; a
// responder moves a mis-threaded message to another issue (system notes on both, its files and ledger row
// follow), a later reply in its chain follows the move, and a message can be split into a new issue.
import { AttachmentEntity, IssueEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moveInboundMessage } from "./move-inbound-message.ts";
import { decodeRoute } from "./routing-reason.ts";
import { createIngestWorld } from "./testing/world.ts";

describe("explainable, reversible threading (12.6)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("records each route, moves a message with its file, follows the move, and splits", async () => {
    const w = await createIngestWorld(db.dataSource);
    const desk = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
    const mail = (o: { id: string; to: string; subject: string; body: string; inReplyTo?: string; file?: boolean }) =>
      Buffer.from(
        [
          "From: Ada <ada@customer.example>",
          `To: ${o.to}`,
          `Subject: ${o.subject}`,
          `Message-ID: <${o.id}>`,
          ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
          ...(o.file
            ? ['Content-Type: multipart/mixed; boundary="b"', "", "--b", "Content-Type: text/plain", ""]
            : [""]),
          o.body,
          ...(o.file
            ? [
                "--b",
                'Content-Type: text/plain; name="log.txt"',
                'Content-Disposition: attachment; filename="log.txt"',
                "",
                "error 49",
                "--b--",
              ]
            : []),
          "",
        ].join("\r\n"),
      );
    const routeOf = async (inboundId: number) => {
      const [r] = await db.dataSource.query(`SELECT route_reason, route_detail FROM inbound_emails WHERE id = $1`, [
        inboundId,
      ]);
      return decodeRoute(r.route_reason, r.route_detail);
    };

    const a = await w.ingest(mail({ id: "a@customer.example", to: desk, subject: "Printer", body: "Printer broken." }));
    const b = await w.ingest(mail({ id: "b@customer.example", to: desk, subject: "Invoice", body: "Invoice wrong." }));
    expect(await routeOf(a.stored.id)).toEqual({ reason: "new_issue", header: "to" });
    const issueA = await db.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: a.result!.issueId! });
    const issueB = await db.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: b.result!.issueId! });
    const [thanks] = await db.dataSource
      .getRepository(OutboundEmailEntity)
      .findBy({ issueId: issueA.id, kind: "thank_you" });
    const replyToA = `incoming+${thanks.replyKey}@appmail.adventuretime.ooo`;

    // The customer answers issue A's email about the invoice, with a file: it lands on A.
    const c = await w.ingest(
      mail({
        id: "c@customer.example",
        to: replyToA,
        subject: "Re: Printer",
        body: "About the invoice: see log.",
        file: true,
      }),
    );
    expect(c.result).toMatchObject({ status: "note", issueId: issueA.id });
    expect(await routeOf(c.stored.id)).toEqual({ reason: "reply_key", header: "to" });

    const [{ id: userId }] = await db.dataSource.query(
      `INSERT INTO users (username, name, email) VALUES ('agent', 'Agent', 'agent@desk.example') RETURNING id`,
    );
    const moved = await db.dataSource.transaction((m) =>
      moveInboundMessage(m, { noteId: c.result!.noteId!, actorId: userId, target: { issueId: issueB.id } }),
    );
    expect(moved.to.id).toBe(issueB.id);
    const noteC = await db.dataSource.getRepository(NoteEntity).findOneByOrFail({ id: c.result!.noteId! });
    expect(noteC.issueId).toBe(issueB.id);
    expect(
      (await db.dataSource.getRepository(AttachmentEntity).findBy({ noteId: noteC.id })).map((f) => f.issueId),
    ).toEqual([issueB.id]);
    expect(await routeOf(c.stored.id)).toEqual({ reason: "moved", fromIid: issueA.iid });
    const systemNotes = async (issueId: number) =>
      (await db.dataSource.getRepository(NoteEntity).findBy({ issueId, system: true })).map((n) => n.body);
    expect(await systemNotes(issueA.id)).toContain(`moved an email to #${issueB.iid}`);
    expect(await systemNotes(issueB.id)).toContain(`moved an email here from #${issueA.iid}`);

    // A later reply in that chain (to A's reply address, answering C) follows the move to B.
    const d = await w.ingest(
      mail({
        id: "d@customer.example",
        to: replyToA,
        subject: "Re: Printer",
        body: "And the invoice number is 1042.",
        inReplyTo: "c@customer.example",
      }),
    );
    expect(d.result).toMatchObject({ status: "note", issueId: issueB.id });
    expect(await routeOf(d.stored.id)).toEqual({ reason: "follows_move", messageId: "c@customer.example" });
    // A reply that is not in that chain still goes where its reply address says.
    const e = await w.ingest(
      mail({ id: "e@customer.example", to: replyToA, subject: "Re: Printer", body: "The printer works now." }),
    );
    expect(e.result).toMatchObject({ status: "note", issueId: issueA.id });

    // Split: E becomes an issue of its own, its sender its requester.
    const split = await db.dataSource.transaction((m) =>
      moveInboundMessage(m, { noteId: e.result!.noteId!, actorId: userId, target: { newIssue: true } }),
    );
    expect(split.to).toMatchObject({
      projectId: w.project.id,
      title: "Re: Printer",
      externalAuthor: "ada@customer.example",
    });
    expect(split.to.iid).toBeGreaterThan(issueB.iid);

    // Only email-made notes move.
    const system = await db.dataSource.getRepository(NoteEntity).findOneByOrFail({ issueId: issueA.id, system: true });
    await expect(
      db.dataSource.transaction((m) =>
        moveInboundMessage(m, { noteId: system.id, actorId: userId, target: { issueId: issueB.id } }),
      ),
    ).rejects.toThrow(/Only a message that came by email can be moved/);
  });
});
