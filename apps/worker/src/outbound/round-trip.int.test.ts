// The loop an end user sees: our new-note email arrives, they answer it from Gmail or Outlook, and the
// answer comes back through the mail-in pipeline as a trimmed note on the same issue.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createNote,
  ingestSettingsFromConfig,
  processInboundEmail,
  receiveEmail,
  routeSettingsOf,
  withQueuedBodies,
} from "@tidings/core";
import { type DataSource, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import type { SendMailOptions } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addParticipant, seedTicket, testWorkerContext } from "../../test/service-desk-fixtures.ts";
import { type CapturedMail, type SmtpCapture, startSmtpCapture } from "../../test/smtp-capture.ts";
import { type OutboundRunner, startOutbound } from "./index.ts";

/** Deliveries are asynchronous; on a busy CI machine they can take a few seconds. */
const SLOW = { timeout: 10_000 };

const AGENT_TEXT = "Please restart the printer and tell us whether it still smokes.";

describe("a customer's reply to a new-note email", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dataDir: string;
  let smtp: SmtpCapture;
  let runner: OutboundRunner;
  let env: ReturnType<typeof testWorkerContext>;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-roundtrip-"));
    smtp = await startSmtpCapture();
    env = testWorkerContext({ databaseUrl: db.url, dataSource: ds, dataDir, smtpUrl: smtp.url });
    runner = await startOutbound(env.ctx, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await runner.stop();
    await smtp.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A ticket from jane with bob Cc'd, and an agent's public note emailed to both. */
  const ticketWithAnswer = async () => {
    const t = await seedTicket(ds, env.mail, { requester: "jane@customer.test" });
    await addParticipant(ds, t.issueId, "bob@customer.test");
    const note = await ds.transaction((m) =>
      createNote(m, env.mail, { issueId: t.issueId, authorId: t.agentId, body: AGENT_TEXT }),
    );
    const row = await ds.getRepository(OutboundEmailEntity).findOneByOrFail({
      noteId: note.id,
      toAddress: "jane@customer.test",
    });
    let email: CapturedMail | undefined;
    await expect
      .poll(() => {
        email = smtp.messages.find((m) => m.parsed.messageId === `<${row.messageId}>`);
        return email;
      }, SLOW)
      .toBeDefined();
    return { t, email: email! };
  };

  /** Feeds a raw message to the mail-in pipeline (store, then apply), as the SMTP listener does. */
  const deliverInbound = async (message: SendMailOptions) => {
    const raw = await new MailComposer(message).compile().build();
    const settings = ingestSettingsFromConfig(env.config);
    const stored = await ds.transaction((m) =>
      receiveEmail(m, {
        raw,
        transport: "smtp",
        maxEmailBytes: env.config.MAX_EMAIL_BYTES,
        route: routeSettingsOf(settings.mail),
      }),
    );
    return processInboundEmail(ds, settings, stored.id);
  };

  /** What a mail client puts in the threading headers of a reply. */
  const replyHeaders = (email: CapturedMail) => {
    const references = [...(email.parsed.references ? [email.parsed.references].flat() : []), email.parsed.messageId!];
    return { inReplyTo: email.parsed.messageId, references, subject: `Re: ${email.parsed.subject}` };
  };

  const notesOf = (issueId: number) =>
    ds.getRepository(NoteEntity).find({ where: { issueId, system: false }, order: { id: "ASC" } });

  it("comes back as a trimmed note when it quotes Gmail-style (On … wrote:)", async () => {
    const { t, email } = await ticketWithAnswer();
    const quoted = email.parsed
      .text!.split("\n")
      .map((l) => `> ${l}`)
      .join("\n");
    const result = await deliverInbound({
      from: "Jane Doe <jane@customer.test>",
      to: email.parsed.replyTo!.text,
      ...replyHeaders(email),
      messageId: "<CAGmail-reply-1@mail.gmail.com>",
      text: `Thanks, that fixed it!\n\nOn Sat, Nov 21, 2026 at 9:30 PM Sam Agent <support@desk.example.com> wrote:\n\n${quoted}\n`,
    });
    expect(result).toMatchObject({ status: "note", issueId: t.issueId });
    const notes = await notesOf(t.issueId);
    const reply = notes.at(-1)!;
    expect(reply.externalAuthor).toBe("jane@customer.test");
    const [visible, hidden = ""] = reply.body.split("<details>");
    expect(visible.trim()).toBe("Thanks, that fixed it!");
    expect(visible).not.toContain(AGENT_TEXT);
    expect(hidden).toContain(AGENT_TEXT);

    // The reply goes out to bob (D2) and not back to jane, its author.
    const out = (await ds.getRepository(OutboundEmailEntity).findBy({ noteId: reply.id })).map((row) =>
      withQueuedBodies(env.mail, row),
    );
    expect(out.map((r) => r.toAddress)).toEqual(["bob@customer.test"]);
    // Jane's quoted email carried her unsubscribe link: it is not stored (issue 9.4), and bob never gets it.
    const janeKey = email.headers.get("x-tidings-reply-key")![0];
    expect(reply.body).not.toContain(janeKey);
    expect(reply.body).toContain("/-/unsubscribe/[redacted]");
    expect(out[0].textBody).not.toContain(janeKey);
    expect(out[0].htmlBody).not.toContain(janeKey);
    // Nor what the runner renders them from.
    expect(JSON.stringify(out[0].render)).not.toContain(janeKey);
  });

  it("comes back as a trimmed note when it quotes Outlook-style (From: … Sent: …)", async () => {
    const { t, email } = await ticketWithAnswer();
    const result = await deliverInbound({
      from: "Jane Doe <jane@customer.test>",
      to: email.parsed.replyTo!.text,
      ...replyHeaders(email),
      messageId: "<AM0PR01MB1234.outlook-reply-1@AM0PR01MB1234.eurprd01.prod.outlook.com>",
      headers: {
        "Thread-Topic": email.headers.get("thread-topic")![0],
        "Thread-Index": email.headers.get("thread-index")![0],
      },
      text:
        "It still smokes, see the photo.\r\n\r\n" +
        "________________________________\r\n" +
        "From: Sam Agent <support@desk.example.com>\r\n" +
        "Sent: Saturday, November 21, 2026 9:30 PM\r\n" +
        "To: jane@customer.test\r\n" +
        `Subject: ${email.parsed.subject}\r\n\r\n` +
        `${email.parsed.text}\r\n`,
    });
    expect(result).toMatchObject({ status: "note", issueId: t.issueId });
    const reply = (await notesOf(t.issueId)).at(-1)!;
    const [visible, hidden = ""] = reply.body.split("<details>");
    expect(visible.trim()).toBe("It still smokes, see the photo.");
    expect(hidden).toContain(AGENT_TEXT);
  });

  it("still finds the issue through References when the client answers From instead of Reply-To", async () => {
    const { t, email } = await ticketWithAnswer();
    const result = await deliverInbound({
      from: "jane@customer.test",
      to: email.parsed.from!.text,
      ...replyHeaders(email),
      messageId: "<no-reply-to-1@customer.test>",
      text: "Answering the sender address.\n\nOn Sat, Nov 21, 2026 at 9:30 PM Sam Agent wrote:\n> anything\n",
    });
    expect(result).toMatchObject({ status: "note", issueId: t.issueId });
    expect((await notesOf(t.issueId)).at(-1)!.body.split("<details>")[0].trim()).toBe("Answering the sender address.");
  });
});
