// Issue 13.4: the sampler counts each 5-minute bucket for the instance and for each project, counting a
// bucket again rewrites the same rows, and the history reads the last 24 hours and the last 30 days.
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOUNCE_REASONS } from "../ingest/classify.ts";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { bucketOf, readMailHealthHistory, SAMPLE_BUCKET_SECONDS, sampleMailHealth } from "./mail-health-history.ts";

describe("mail-health history (13.4)", () => {
  let db: TestDatabase;
  let projectId: number;
  beforeAll(async () => {
    db = await createTestDatabase();
    projectId = (await createIngestWorld(db.dataSource)).project.id;
  });
  afterAll(async () => db?.drop());

  const inbound = (at: Date, status: string, reason: string | null, project: number | null) =>
    db.dataSource.query(
      `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, reason, project_id, received_at)
       VALUES (md5(random()::text), 'smtp', '\\x00', 1, 'x', $1, $2, $3, $4)`,
      [status, reason, project, at],
    );
  const outbound = (at: Date, status: string, project: number | null) =>
    db.dataSource.query(
      `INSERT INTO outbound_emails (kind, project_id, to_address, subject, message_id, text_body, status, updated_at)
       VALUES ('thank_you', $1, 'c@example.org', 's', md5(random()::text), 't', $2, $3)`,
      [project, status, at],
    );
  const samples = () =>
    db.dataSource.query(
      `SELECT project_id, received, rejected, quarantined, bounces, sent, failed, backlog
         FROM mail_health_samples ORDER BY project_id, bucket`,
    );

  it("counts a bucket per project and for the instance, idempotently, and reads it back by range", async () => {
    const now = new Date();
    const bucket = bucketOf(new Date(now.getTime() - 2 * SAMPLE_BUCKET_SECONDS * 1000));
    const inside = new Date(bucket.getTime() + 1000);
    const outside = new Date(bucket.getTime() + SAMPLE_BUCKET_SECONDS * 1000 + 1000);
    await inbound(inside, "issue", null, projectId);
    await inbound(inside, "rejected", "Unknown address", projectId);
    await inbound(inside, "ignored", BOUNCE_REASONS.report, null);
    await inbound(outside, "issue", null, projectId);
    await inbound(new Date(), "received", null, null);
    await outbound(inside, "sent", projectId);
    await outbound(inside, "failed", null);

    await sampleMailHealth(db.dataSource.manager, inside);
    const first = await samples();
    expect(first).toEqual([
      { project_id: 0, received: 3, rejected: 1, quarantined: 1, bounces: 1, sent: 1, failed: 1, backlog: 1 },
      { project_id: projectId, received: 2, rejected: 1, quarantined: 0, bounces: 0, sent: 1, failed: 0, backlog: 0 },
    ]);
    // Counting the same bucket again changes nothing.
    await sampleMailHealth(db.dataSource.manager, inside);
    expect(await samples()).toEqual(first);

    await sampleMailHealth(db.dataSource.manager, outside);
    const day = await readMailHealthHistory(db.dataSource.manager, projectId, "day");
    expect(day.map((p) => [p.at.getTime(), p.received, p.sent])).toEqual([
      [bucket.getTime(), 2, 1],
      [bucket.getTime() + SAMPLE_BUCKET_SECONDS * 1000, 1, 0],
    ]);
    const month = await readMailHealthHistory(db.dataSource.manager, null, "month");
    expect(month.reduce((n, p) => n + p.received, 0)).toBe(4);
    expect(month.reduce((n, p) => n + p.bounces, 0)).toBe(1);
  });
});
