// Issue 9.4: a reply key is a bearer credential. It never reaches stored text (a customer's reply quotes
// our Reply-To address and unsubscribe link), and the table replies resolve through holds only digests;
// keys issued before the change keep working after the migration.
import { IssueEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const HOST = "appmail.adventuretime.ooo";

const replyQuoting = (key: string, messageId: string) =>
  Buffer.from(
    [
      "From: Ada Lovelace <ada@customer.example>",
      `To: incoming+${key}@${HOST}`,
      `Message-ID: <${messageId}>`,
      "Subject: Re: The office printer is on fire",
      "",
      "Thanks, that helped.",
      "",
      "On Tue, Nov 3, 2026 at 10:15 AM Support <support@tidings.test> wrote:",
      `> Reply to incoming+${key}@${HOST} or unsubscribe: http://localhost:3000/-/unsubscribe/${key}`,
      `> Unsubscribe by mail: incoming+${key}-unsubscribe@${HOST}`,
      "",
    ].join("\r\n"),
  );

describe("reply keys", () => {
  it("are redacted from stored notes and descriptions, stored only as digests, and still route", async () => {
    const w = await createIngestWorld(db.dataSource);
    const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, host: HOST };
    const opened = await w.ingest(mailFixture("new-ticket-gmail.eml", vars));
    const m = db.dataSource.manager;
    const thankYou = await m.findOneByOrFail(OutboundEmailEntity, {
      issueId: opened.result!.issueId!,
      kind: "thank_you",
    });
    const key = thankYou.replyKey!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);

    // Nothing in sent_notifications holds the key itself.
    const rows: Record<string, unknown>[] = await db.dataSource.query("SELECT * FROM sent_notifications");
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(key);

    const reply = await w.ingest(replyQuoting(key, "quote-1@customer.example"));
    expect(reply.result).toMatchObject({ status: "note", issueId: opened.result!.issueId });
    const note = await m.findOneByOrFail(NoteEntity, { id: reply.result!.noteId! });
    expect(note.body).toContain("Thanks, that helped.");
    expect(note.body).toContain("/-/unsubscribe/[redacted]");
    expect(note.body).toContain("incoming+[redacted]@");
    expect(note.body).toContain("incoming+[redacted]-unsubscribe@");
    expect(note.body).not.toContain(key);

    // A new ticket that forwards one of our emails: its description is redacted too.
    const forwarded = Buffer.from(
      [
        "From: Grace <grace@customer.example>",
        `To: incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@${HOST}`,
        "Message-ID: <fwd-with-key@customer.example>",
        "Subject: Fwd: your ticket",
        "",
        `See what you sent: http://localhost:3000/-/unsubscribe/${key} and incoming+${key}@${HOST}`,
        "",
      ].join("\r\n"),
    );
    const fwd = await w.ingest(forwarded);
    const issue = await m.findOneByOrFail(IssueEntity, { id: fwd.result!.issueId! });
    expect(issue.description).not.toContain(key);
    expect(issue.description).toContain("/-/unsubscribe/[redacted]");
  });

  it("issued before the digest migration still route after it, and quoted keys in old notes are redacted", async () => {
    const old = await createTestDatabase();
    try {
      const w = await createIngestWorld(old.dataSource);
      const vars = { projectId: w.project.id, slug: w.project.fullPathSlug, host: HOST };
      const opened = await w.ingest(mailFixture("new-ticket-gmail.eml", vars));
      const issueId = opened.result!.issueId!;
      const oldKey = "0123456789abcdef0123456789abcdef";
      const migration = old.dataSource.migrations.find((mig) => mig.name === "ReplyKeyDigests1765000100000")!;
      const qr = old.dataSource.createQueryRunner();
      try {
        await migration.down(qr);
        await qr.query("DELETE FROM sent_notifications");
        await qr.query(
          `INSERT INTO sent_notifications (reply_key, project_id, issue_id, participant_id, recipient_email)
           SELECT $1, i.project_id, i.id, p.id, p.email FROM issues i JOIN issue_email_participants p ON p.issue_id = i.id
           WHERE i.id = $2`,
          [oldKey, issueId],
        );
        await qr.query("UPDATE notes SET body = $2 WHERE issue_id = $1", [
          issueId,
          `quoted http://localhost:3000/-/unsubscribe/${oldKey}`,
        ]);
        await migration.up(qr);
      } finally {
        await qr.release();
      }
      const stored: { body: string }[] = await old.dataSource.query("SELECT body FROM notes WHERE issue_id = $1", [
        issueId,
      ]);
      expect(stored.map((n) => n.body).join("\n")).not.toContain(oldKey);
      const reply = await w.ingest(replyQuoting(oldKey, "after-migration@customer.example"));
      expect(reply.result).toMatchObject({ status: "note", issueId });
    } finally {
      await old.drop();
    }
  });
});
