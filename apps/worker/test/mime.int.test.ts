// Issue 12.4 against the real worker: a forward-as-attachment sent over a real SMTP conversation (nodemailer →
// smtp-server), decided in the worker's decide threads, applied to a real PostgreSQL with its files stored.
// The new issue shows the attached message and stores its photo and the .eml; a reply forwarding a message
// as an attachment has its quote trimmed and the attached message after the reply's text.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { mailFixture } from "@tidings/core/src/ingest/testing/fixtures.ts";
import { AttachmentEntity, type DataSource, freePort, IssueEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Inbound, startInbound } from "../src/inbound/index.ts";
import { eventually, testWorkerContext } from "./helpers.ts";

const HOST = "appmail.adventuretime.ooo";

describe("odd MIME through the worker (12.4)", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let inbound: Inbound;
  let port: number;
  let project: { id: number; fullPathSlug: string };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-mime-"));
  const send = (raw: Buffer, to: string) => {
    const t = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    return t.sendMail({ envelope: { from: "ada@customer.example", to: [to] }, raw }).finally(() => t.close());
  };
  const filesOf = async (where: { issueId: number } | { noteId: number }) =>
    (await ds.getRepository(AttachmentEntity).findBy(where)).map((f) => `${f.filename} ${f.contentType}`).sort();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    project = (await createIngestWorld(ds)).project;
    port = await freePort();
    inbound = await startInbound(
      testWorkerContext(ds, db.url, {
        INBOUND_SMTP_PORT: String(port),
        INBOUND_ISSUES_PER_SENDER_PER_HOUR: "0",
        DATA_DIR: dataDir,
      }),
    );
  });
  afterAll(async () => {
    await inbound.stop();
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("an Outlook forward-as-attachment opens an issue with the courier's text, its photo and the .eml; a reply forwarding one keeps the attached message and trims the quote", async () => {
    const vars = { projectId: project.id, slug: project.fullPathSlug, host: HOST };
    const info = await send(
      mailFixture("mime-forward-as-attachment.eml", vars),
      `incoming+${project.fullPathSlug}-${project.id}-issue-@${HOST}`,
    );
    expect(info.response).toMatch(/^250 /);
    const issue = await eventually(
      () =>
        ds.getRepository(IssueEntity).findOneBy({ projectId: project.id, title: "FW: Delivery failed for order 88" }),
      60_000,
    );
    expect(issue.description).toContain(
      [
        "Please see the courier's message below, it has the tracking photo.",
        "",
        "Ada",
        "",
        "---",
        "",
        "**Attached message** “Delivery failed for order 88” from Courier Desk <desk@courier.example>, Mon, 30 Nov 2026 08:00:00 GMT:",
        "",
        "We could not deliver order **88**: nobody was home.",
      ].join("\n"),
    );
    expect(await filesOf({ issueId: issue.id })).toEqual([
      "Delivery failed for order 88.eml message/rfc822",
      "doorstep.png image/png",
    ]);

    // Ada answers our thank-you through its reply key, forwarding the courier's label as an attachment.
    const thankYou = await eventually(() =>
      ds.getRepository(OutboundEmailEntity).findOneBy({ issueId: issue.id, kind: "thank_you" }),
    );
    const replyTo = `incoming+${thankYou.replyKey}@${HOST}`;
    const reply = mailFixture("mime-forward-as-attachment-reply.eml", { host: HOST })
      .toString("latin1")
      .replace(`reply+59d8df8370b7e95c5a49fbf86aeb2c93@${HOST}`, replyTo);
    expect((await send(Buffer.from(reply, "latin1"), replyTo)).response).toMatch(/^250 /);
    const note = await eventually(
      async () =>
        (await ds.getRepository(NoteEntity).findBy({ issueId: issue.id })).find((n) =>
          n.body.includes("Here is the courier's email"),
        ),
      60_000,
    );
    const visible = note.body.slice(0, note.body.indexOf("<details>"));
    expect(visible).toContain(
      [
        "Here is the courier's email you asked for.",
        "",
        "Ada",
        "",
        "---",
        "",
        "**Attached message** “Delivery failed for order 88” from Courier Desk <desk@courier.example>, Mon, 30 Nov 2026 08:00:00 GMT:",
        "",
        "We could not deliver order 88: nobody was home.",
        "The new label is attached.",
      ].join("\n"),
    );
    expect(visible).not.toContain("Could you forward us");
    expect(note.body.slice(note.body.indexOf("<details>"))).toContain(
      "> Could you forward us the courier's email about order 88?",
    );
    expect(await filesOf({ noteId: note.id })).toEqual([
      "Delivery failed for order 88.eml message/rfc822",
      "label-88.pdf application/pdf",
    ]);
  });
});
