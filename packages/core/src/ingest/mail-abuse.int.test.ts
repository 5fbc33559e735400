// Issue 9.9, the ingest half: rejection emails are not a backscatter cannon (a few per recipient and
// hour), and a huge body is stored cut at GitLab's 1,000,000 characters with the full text attached.
import fs from "node:fs";
import { AttachmentEntity, IssueEntity, NoteEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REJECTIONS_PER_RECIPIENT_PER_HOUR } from "../notifications/queue-emails.ts";
import { MAX_TEXT_LENGTH } from "./cap-length.ts";
import { uploadPath } from "./store-attachments.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const HOST = "appmail.adventuretime.ooo";

describe("rejection emails", () => {
  it("go to one address at most a few times an hour, whatever the number of rejected messages", async () => {
    const w = await createIngestWorld(db.dataSource);
    const forged = (n: number) =>
      Buffer.from(
        [
          "From: Victim <victim@innocent.example>",
          `To: incoming+no-such-project-999-issue-@${HOST}`,
          `Message-ID: <forged-${n}@attacker.example>`,
          `Subject: Spam run ${n}`,
          "",
          "Buy now.",
          "",
        ].join("\r\n"),
      );
    const results = [];
    for (let n = 1; n <= REJECTIONS_PER_RECIPIENT_PER_HOUR + 2; n++) results.push((await w.ingest(forged(n))).result);
    expect(results.every((r) => r?.status === "rejected")).toBe(true);
    const sent = await db.dataSource.manager.findBy(OutboundEmailEntity, { kind: "rejection" });
    expect(sent.map((o) => o.toAddress)).toEqual(
      Array(REJECTIONS_PER_RECIPIENT_PER_HOUR).fill("victim@innocent.example"),
    );
    expect(results.at(-1)?.reason).toMatch(
      /No rejection email: victim@innocent\.example already got 3 in the last hour/,
    );
    // Another address is answered as usual.
    const other = await w.ingest(
      Buffer.from(forged(99).toString().replace("victim@innocent.example", "someone@else.example")),
    );
    expect(other.result?.status).toBe("rejected");
    expect(await db.dataSource.manager.countBy(OutboundEmailEntity, { toAddress: "someone@else.example" })).toBe(1);
  });
});

describe("a body over 1,000,000 characters", () => {
  it("opens an issue whose description is cut with a notice, the full text attached", async () => {
    const db2 = await createTestDatabase();
    try {
      const w = await createIngestWorld(db2.dataSource);
      const huge = `${"The printer log says: paper jam. ".repeat(160_000)}THE END`;
      expect(huge.length).toBeGreaterThan(5_000_000);
      const raw = Buffer.from(
        [
          "From: Ada <ada@customer.example>",
          `To: incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@${HOST}`,
          "Message-ID: <huge-body@customer.example>",
          "Subject: The whole log",
          "Content-Type: text/plain; charset=utf-8",
          "",
          huge,
          "",
        ].join("\r\n"),
      );
      const { result } = await w.ingest(raw);
      expect(result).toMatchObject({ status: "issue" });
      const m = db2.dataSource.manager;
      const issue = await m.findOneByOrFail(IssueEntity, { id: result!.issueId! });
      expect(issue.description.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(issue.description).toMatch(
        /is cut here; the full text is attached: \[full-message\.md\]\(\/uploads\/[0-9a-f]{32}\/full-message\.md\)_$/,
      );
      const [file] = await m.findBy(AttachmentEntity, { issueId: issue.id, filename: "full-message.md" });
      const stored = fs.readFileSync(uploadPath(w.settings.dataDir, file.sha256), "utf8");
      expect(stored.endsWith("THE END")).toBe(true);

      // A reply just as large becomes a capped note on the issue, with its own attachment.
      const reply = Buffer.from(
        raw
          .toString()
          .replace("<huge-body@", "<huge-reply@")
          .replace("Subject: The whole log", "In-Reply-To: <huge-body@customer.example>\r\nSubject: Re: The whole log"),
      );
      const r = await w.ingest(reply);
      expect(r.result).toMatchObject({ status: "note", issueId: issue.id });
      const note = await m.findOneByOrFail(NoteEntity, { id: r.result!.noteId! });
      expect(note.body.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(await m.countBy(AttachmentEntity, { noteId: note.id, filename: "full-message.md" })).toBe(1);
    } finally {
      await db2.drop();
    }
  });
});

it("keeps ordinary mail untouched by the cap", async () => {
  const db3 = await createTestDatabase();
  try {
    const w = await createIngestWorld(db3.dataSource, {});
    const { result } = await w.ingest(
      mailFixture("new-ticket-with-quote.eml", { projectId: w.project.id, slug: w.project.fullPathSlug, host: HOST }),
    );
    expect(result?.status).toBe("issue");
    expect(await db3.dataSource.manager.countBy(AttachmentEntity, { filename: "full-message.md" })).toBe(0);
  } finally {
    await db3.drop();
  }
});
