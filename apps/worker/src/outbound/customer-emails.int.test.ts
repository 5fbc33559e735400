// Issue 12.5 on the whole path: mail in (real PostgreSQL), the outbox runner, a real SMTP conversation
// captured: the customer's emails carry their own text only, a participant's note says who wrote it, and
// attachment links are signed so they open without an account.
import { checkUploadSignature, emailLinkKey, signUploadUrl } from "@tidings/core";
import { createIngestWorld, ingestSettingsForTest } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, EmailParticipantEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import type { ParsedMail } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SmtpCapture, startSmtpCapture } from "../../test/smtp-capture.ts";
import { TEST_EMAIL_FROM, TEST_PUBLIC_URL, testWorkerContext } from "../../test/service-desk-fixtures.ts";
import { type OutboundOptions, startOutbound } from "./index.ts";

const HOST = "appmail.adventuretime.ooo";
const SLOW = { timeout: 10_000 };
const FAST: Partial<OutboundOptions> = {
  pollIntervalMs: 200,
  retry: { baseMs: 100, capMs: 400, maxAttempts: 100 },
  smtpTimeouts: { connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 5_000 },
};
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

const mime = (headers: string[], text: string, file: { name: string; type: string; bytes: Buffer }) =>
  Buffer.from(
    [
      ...headers,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      text,
      "--b1",
      `Content-Type: ${file.type}`,
      "Content-Transfer-Encoding: base64",
      `Content-Disposition: attachment; filename="${file.name}"`,
      "",
      file.bytes.toString("base64"),
      "--b1--",
      "",
    ].join("\r\n"),
  );

/** Every link to one of our uploads in a text, with what its signature check says. */
const uploadLinks = (text: string, key: Buffer) =>
  [...text.matchAll(/https:\/\/desk\.example\.com\/uploads\/([0-9a-f]{32})\/([^\s?"<>)]+)(\?[^\s"<>)]*)?/g)].map(
    (m) => {
      const q = new URLSearchParams((m[3] ?? "").replace(/&amp;/g, "&"));
      return checkUploadSignature(key, {
        secret: m[1],
        filename: decodeURIComponent(m[2]),
        expires: q.get("expires") ?? undefined,
        signature: q.get("signature") ?? undefined,
      });
    },
  );

describe("customer emails on the whole path", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let smtp: SmtpCapture;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    smtp = await startSmtpCapture();
    cleanups.push(() => smtp.stop());
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await db.drop();
  });

  it("thank-you, a participant's note to the others, signed attachment links, text and HTML parts", async () => {
    const base = ingestSettingsForTest();
    const { ctx, mail } = testWorkerContext({
      databaseUrl: db.url,
      dataSource: ds,
      dataDir: base.dataDir,
      smtpUrl: smtp.url,
    });
    const w = await createIngestWorld(ds, {
      settings: {
        outgoingName: "Acme Support",
        issueTemplate: "## Triage (internal)\n\n/label ~support",
        thankYouTemplate:
          "We have your request %{ISSUE_ID}:\n\n%{ISSUE_DESCRIPTION}\n\nUnsubscribe: %{UNSUBSCRIBE_URL}",
      },
      ingest: { mail: { ...base.mail, publicUrl: TEST_PUBLIC_URL, uploadLinks: mail.uploadLinks } },
    });
    const key = emailLinkKey(ctx.config)();
    const to = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@${HOST}`;
    const opened = await w.ingest(
      mime(
        [
          "From: Ada Lovelace <ada@customer.example>",
          `To: ${to}`,
          "Subject: Printer on fire",
          "Message-ID: <o1@c.example>",
        ],
        "The printer is on fire!\n\n/close",
        { name: "invoice.pdf", type: "application/pdf", bytes: PDF },
      ),
    );
    const issueId = opened.result!.issueId!;
    await ds.getRepository(EmailParticipantEntity).insert({ issueId, email: "bob@partner.example" });
    const [thanksRow] = await ds.getRepository(OutboundEmailEntity).findBy({ kind: "thank_you" });
    const replied = await w.ingest(
      mime(
        [
          'From: "Ada Lovelace" <ada@customer.example>',
          `To: incoming+${thanksRow.replyKey}@${HOST}`,
          "Subject: Re: Printer on fire",
          "Message-ID: <r1@c.example>",
        ],
        "It is out now. A photo:",
        { name: "photo.png", type: "image/png", bytes: PNG },
      ),
    );
    expect(replied.result).toMatchObject({ status: "note" });

    const runner = await startOutbound(ctx, FAST);
    cleanups.push(() => runner.stop());
    await expect.poll(() => smtp.messages.length, SLOW).toBe(2);
    const thanks = smtp.to("ada@customer.example")[0].parsed;
    const toBob = smtp.to("bob@partner.example")[0].parsed;

    for (const m of [thanks, toBob] as ParsedMail[]) {
      expect(typeof m.text).toBe("string");
      expect(typeof m.html).toBe("string");
      expect(m.html).not.toMatch(/<table|<style|<script/i);
    }
    // 1. The customer's own text, no template, no quick action; the attachment link signed in both parts.
    expect(thanks.from?.value[0]).toEqual({ name: "Acme Support", address: TEST_EMAIL_FROM });
    for (const part of [thanks.text!, thanks.html as string]) {
      expect(part).toContain("The printer is on fire!");
      expect(part).not.toMatch(/Triage|\/label|\/close/);
      expect(uploadLinks(part, key)).toEqual(["valid"]);
    }
    // 2. Bob is told who wrote it, by name, and gets the photo attached and linked (signed).
    expect(toBob.from?.value[0]).toEqual({ name: "Ada Lovelace via Acme Support", address: TEST_EMAIL_FROM });
    expect(toBob.text).toMatch(/^Ada Lovelace wrote:\n\nIt is out now\. A photo:/);
    expect(toBob.html).toContain("Ada Lovelace wrote:</p>");
    expect(uploadLinks(toBob.text!, key)).toEqual(["valid"]);
    expect(uploadLinks(toBob.html as string, key)).toEqual(["valid"]);
    expect(toBob.attachments.map((a) => [a.filename, a.content.equals(PNG)])).toEqual([["photo.png", true]]);
    // The signing is the instance's: a link signed with another key does not check out.
    const forged = signUploadUrl(`${TEST_PUBLIC_URL}/uploads/${"a".repeat(32)}/x.png`, TEST_PUBLIC_URL, {
      secret: "z".repeat(32),
      dataDir: base.dataDir,
      ttlMs: 60_000,
    });
    expect(uploadLinks(forged, key)).toEqual(["invalid"]);
  });
});
