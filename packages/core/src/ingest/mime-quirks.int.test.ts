// Issue 12.4 on the ingest path (real PostgreSQL, stored uploads): a forward-as-attachment opens an issue
// whose description shows the attached message, with the inner photo and the .eml both stored.
import { AttachmentEntity, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

describe("odd MIME on the ingest path (12.4)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("an Outlook forward-as-attachment becomes one issue with the courier's text, its photo and the .eml", async () => {
    const w = await createIngestWorld(db.dataSource);
    const raw = mailFixture("mime-forward-as-attachment.eml", {
      projectId: w.project.id,
      slug: w.project.fullPathSlug,
      host: "appmail.adventuretime.ooo",
    });
    const { result } = await w.ingest(raw);
    expect(result).toMatchObject({ status: "issue" });
    const issue = await db.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: result!.issueId! });
    expect(issue.description).toContain("**Attached message** “Delivery failed for order 88” from Courier Desk");
    expect(issue.description).toContain("We could not deliver order **88**: nobody was home.");
    const files = await db.dataSource.getRepository(AttachmentEntity).findBy({ issueId: issue.id });
    expect(files.map((f) => f.filename).sort()).toEqual(["Delivery failed for order 88.eml", "doorstep.png"]);
  });

  it("an attachment over the limit is named with its size and not stored; the others are stored (issue 14: not kept in memory)", async () => {
    // A database of its own: the world's group and project exist once per database.
    const own = await createTestDatabase();
    onTestFinished(() => own.drop());
    const w = await createIngestWorld(own.dataSource, { ingest: { maxAttachmentBytes: 1024 * 1024 } });
    const big = Buffer.alloc(1.5 * 1024 * 1024, 7);
    const small = Buffer.from("a small log");
    const notes = Buffer.alloc(1.5 * 1024 * 1024, 0x61); // text: read whole (it could be the body), still not stored
    const part = (name: string, type: string, bytes: Buffer) =>
      `--b\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${bytes.toString("base64").replace(/.{76}/g, "$&\r\n")}\r\n`;
    const raw = Buffer.from(
      [
        "From: Customer <customer@example.org>",
        `To: incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`,
        "Subject: three files",
        "Message-ID: <three-files@example.org>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b"',
        "",
        "--b\r\nContent-Type: text/plain\r\n\r\nThe files.\r\n",
      ].join("\r\n") +
        part("big.bin", "application/octet-stream", big) +
        part("small.log", "application/octet-stream", small) +
        part("notes.txt", "text/plain", notes) +
        "--b--\r\n",
    );
    const { result } = await w.ingest(raw);
    expect(result).toMatchObject({ status: "issue" });
    const issue = await own.dataSource.getRepository(IssueEntity).findOneByOrFail({ id: result!.issueId! });
    expect(issue.description).toContain(
      "The attachment “big.bin” (1.5 MB) was not stored: it is larger than the limit of 1.0 MB.",
    );
    expect(issue.description).toContain("The attachment “notes.txt” (1.5 MB) was not stored");
    const files = await own.dataSource.getRepository(AttachmentEntity).findBy({ issueId: issue.id });
    expect(files.map((f) => [f.filename, f.sizeBytes])).toEqual([["small.log", small.length]]);
  });
});
