// Issue 14.1: a batch of stored messages is decided, then applied in one transaction, its new issues
// opened together. What a batch does must be exactly what the same messages do one at a time, including
// when messages of one batch depend on each other, and one bad message must not cost the others.
import {
  EmailParticipantEntity,
  InboundEmailEntity,
  IssueEntity,
  NoteEntity,
  OutboundEmailEntity,
  ProjectEntity,
} from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cachedRecipientCheck } from "./is-known-recipient.ts";
import { processBatch } from "./process-inbound-email.ts";
import { createIngestWorld, storeRaw } from "./testing/world.ts";

// A database of its own for each test: its project's iids start at 1.
let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.drop());

type World = Awaited<ReturnType<typeof createIngestWorld>>;

const mail = (
  w: World,
  o: { from: string; subject: string; id: string; inReplyTo?: string; to?: string; body?: string },
) =>
  Buffer.from(
    [
      `From: ${o.from}`,
      `To: ${o.to ?? `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`}`,
      `Subject: ${o.subject}`,
      `Message-ID: <${o.id}>`,
      ...(o.inReplyTo ? [`In-Reply-To: <${o.inReplyTo}>`] : []),
      "Content-Type: text/plain; charset=utf-8",
      "",
      o.body ?? `Body of ${o.subject}.`,
      "",
    ].join("\r\n"),
  );

/** Stores every message, then processes them all as one batch. */
const storeAndProcess = async (w: World, raws: Buffer[]) => {
  const ids = (await storeRaw(db.dataSource, w.settings, raws)).map((s) => s.id);
  const batch = await processBatch(db.dataSource, w.settings, ids);
  const byId = new Map(batch.results.map((r) => [r.id, r]));
  return { ids, batch, results: ids.map((id) => byId.get(id)) };
};

const freshWorld = (opts: Parameters<typeof createIngestWorld>[1] = {}) => createIngestWorld(db.dataSource, opts);

describe("a batch of new tickets", () => {
  it("opens one issue per message with consecutive iids, a participant and a thank-you each", async () => {
    const w = await freshWorld();
    const raws = Array.from({ length: 5 }, (_, i) =>
      mail(w, { from: `Customer ${i} <c${i}@example.org>`, subject: `Ticket ${i}`, id: `t${i}@example.org` }),
    );
    const { results } = await storeAndProcess(w, raws);
    expect(results.map((r) => r?.status)).toEqual(["issue", "issue", "issue", "issue", "issue"]);
    const issues = await db.dataSource.manager.find(IssueEntity, {
      where: { projectId: w.project.id },
      order: { iid: "ASC" },
    });
    expect(issues.map((i) => [i.iid, i.title, i.externalAuthor])).toEqual(
      Array.from({ length: 5 }, (_, i) => [i + 1, `Ticket ${i}`, `c${i}@example.org`]),
    );
    expect(results.map((r) => r?.issueId)).toEqual(issues.map((i) => i.id));
    for (const issue of issues) {
      const participants = await db.dataSource.manager.findBy(EmailParticipantEntity, { issueId: issue.id });
      expect(participants.map((p) => p.email)).toEqual([issue.externalAuthor]);
      const emails = await db.dataSource.manager.findBy(OutboundEmailEntity, { issueId: issue.id });
      expect(emails.map((e) => [e.kind, e.toAddress, e.subject])).toEqual([
        ["thank_you", issue.externalAuthor, `Re: Ticket ${issue.iid - 1} (#${issue.iid})`],
      ]);
    }
    const project = await db.dataSource.manager.findOneByOrFail(ProjectEntity, { id: w.project.id });
    expect(project.lastIssueIid).toBe(5);
    const rows = await db.dataSource.manager.findBy(InboundEmailEntity, { projectId: w.project.id });
    expect(rows.map((r) => r.status).sort()).toEqual(["issue", "issue", "issue", "issue", "issue"]);
  });

  it("a reply in the same batch as the message it answers becomes a note on that message's issue", async () => {
    const w = await freshWorld();
    const { results } = await storeAndProcess(w, [
      mail(w, { from: "ana@example.org", subject: "Printer on fire", id: "first@example.org" }),
      mail(w, {
        from: "ana@example.org",
        subject: "Re: Printer on fire",
        id: "second@example.org",
        inReplyTo: "first@example.org",
        body: "It is getting worse.",
      }),
    ]);
    expect(results.map((r) => r?.status)).toEqual(["issue", "note"]);
    expect(results[1]?.issueId).toBe(results[0]?.issueId);
    const note = await db.dataSource.manager.findOneByOrFail(NoteEntity, { id: results[1]?.noteId as number });
    expect(note.body).toBe("It is getting worse.");
    expect(note.internal).toBe(false);
  });

  it("the same message to two addresses of the project in one batch opens one issue", async () => {
    const w = await freshWorld();
    const raw = mail(w, { from: "bo@example.org", subject: "Twice", id: "twice@example.org" });
    const alias = mail(w, {
      from: "bo@example.org",
      subject: "Twice",
      id: "twice@example.org",
      to: `support+${w.project.fullPathSlug}-mykey@example.com`,
    });
    const { results } = await storeAndProcess(w, [raw, alias]);
    expect(results.map((r) => r?.status)).toEqual(["issue", "duplicate"]);
    expect(results[1]?.issueId).toBe(results[0]?.issueId);
    expect(await db.dataSource.manager.countBy(IssueEntity, { projectId: w.project.id })).toBe(1);
  });

  it("counts the batch's own new issues towards the per-sender limit", async () => {
    const w = await freshWorld({ ingest: { issuesPerSenderPerHour: 2 } });
    const raws = Array.from({ length: 3 }, (_, i) =>
      mail(w, { from: "flood@example.org", subject: `Flood ${i}`, id: `flood${i}@example.org` }),
    );
    const { results } = await storeAndProcess(w, raws);
    expect(results.map((r) => r?.status)).toEqual(["issue", "issue", "rejected"]);
    expect(results[2]?.reason).toMatch(/opened 2 issues in this project in the last hour; the limit is 2/);
  });

  it("one message that cannot be applied does not cost the others theirs", async () => {
    const w = await freshWorld();
    // A database that refuses one particular issue: the batch fails as a whole, then each message alone.
    await db.dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_boom() RETURNS trigger AS $$
      BEGIN IF NEW.title = 'Boom' THEN RAISE EXCEPTION 'no Boom here'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER refuse_boom BEFORE INSERT ON issues FOR EACH ROW EXECUTE FUNCTION refuse_boom();`);
    try {
      const { ids, batch, results } = await storeAndProcess(w, [
        mail(w, { from: "a@example.org", subject: "Fine 1", id: "fine1@example.org" }),
        mail(w, { from: "b@example.org", subject: "Boom", id: "boom@example.org" }),
        mail(w, { from: "c@example.org", subject: "Fine 2", id: "fine2@example.org" }),
      ]);
      expect(results.map((r) => r?.status)).toEqual(["issue", undefined, "issue"]);
      expect(batch.failures.map((f) => [f.id, f.error.message])).toEqual([[ids[1], "no Boom here"]]);
      const boom = await db.dataSource.manager.findOneByOrFail(InboundEmailEntity, { id: ids[1] });
      expect(boom.status).toBe("received");
      expect(boom.reason).toBe("Processing failed: no Boom here");
    } finally {
      await db.dataSource.query(`DROP TRIGGER refuse_boom ON issues; DROP FUNCTION refuse_boom();`);
    }
  });
});

describe("the SMTP listener's RCPT TO check", () => {
  it("asks the database once per address within its memory, and again after it", async () => {
    const w = await freshWorld();
    let clock = 0;
    const check = cachedRecipientCheck(db.dataSource.manager, w.settings, { ttlMs: 5_000, now: () => clock });
    const address = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
    expect(await check(address)).toBe(true);
    await db.dataSource.manager.update(ProjectEntity, { id: w.project.id }, { serviceDeskEnabled: false });
    clock = 4_999;
    expect(await check(address.toUpperCase())).toBe(true);
    clock = 5_000;
    expect(await check(address)).toBe(false);
  });
});
