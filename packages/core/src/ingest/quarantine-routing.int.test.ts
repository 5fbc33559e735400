// Issue 12.7: the quarantine where the team looks. An auto-reply or a refused message sent to a project's
// address (or to one of its reply keys) belongs to that project's quarantine; and the per-sender rate limit
// holds when one sender's burst is applied by concurrent batches.
import { IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { routeSettingsOf } from "./ingest-settings.ts";
import { processBatch } from "./process-inbound-email.ts";
import { receiveEmail } from "./receive-email.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.drop());

type World = Awaited<ReturnType<typeof createIngestWorld>>;
const to = (w: World) => `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
const mail = (w: World, o: { id: string; headers?: string[]; to?: string; from?: string }) =>
  Buffer.from(
    [
      `From: ${o.from ?? "Jane <jane@customer.example>"}`,
      `To: ${o.to ?? to(w)}`,
      `Subject: Message ${o.id}`,
      `Message-ID: <${o.id}@customer.example>`,
      ...(o.headers ?? []),
      "",
      `Body of ${o.id}.`,
      "",
    ].join("\r\n"),
  );
const store = async (w: World, raw: Buffer) =>
  (
    await db.dataSource.transaction((m) =>
      receiveEmail(m, {
        raw,
        transport: "webhook",
        maxEmailBytes: w.settings.maxEmailBytes,
        route: routeSettingsOf(w.settings.mail),
      }),
    )
  ).id;

describe("quarantine routing and the atomic rate limit (12.7)", () => {
  it("an auto-reply and an oversized message to a project's address land in that project's quarantine; unrouted mail in none", async () => {
    const w = await createIngestWorld(db.dataSource);
    const auto = await store(w, mail(w, { id: "ooo", headers: ["Auto-Submitted: auto-replied"] }));
    const unrouted = await store(
      w,
      mail(w, { id: "nowhere", to: "someone@elsewhere.example", headers: ["Auto-Submitted: auto-replied"] }),
    );
    const { results } = await processBatch(db.dataSource, { ...w.settings, maxEmailBytes: 100_000 }, [auto, unrouted]);
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get(auto)).toMatchObject({ status: "ignored", projectId: w.project.id });
    expect(byId.get(unrouted)).toMatchObject({ status: "ignored", projectId: null });
    const [row] = await db.dataSource.query(`SELECT project_id FROM inbound_emails WHERE id = $1`, [auto]);
    expect(row.project_id).toBe(w.project.id);

    const big = await store(w, mail(w, { id: "big" }));
    const { results: tooLarge } = await processBatch(db.dataSource, { ...w.settings, maxEmailBytes: 50 }, [big]);
    expect(tooLarge[0]).toMatchObject({ status: "rejected", projectId: w.project.id });
  });

  it("22 messages from one sender in two concurrent batches against a limit of 20: 20 issues, 2 rejected, none lost", async () => {
    const w = await createIngestWorld(db.dataSource);
    const settings = { ...w.settings, issuesPerSenderPerHour: 20 };
    const ids: number[] = [];
    for (let i = 0; i < 22; i++) ids.push(await store(w, mail(w, { id: `burst-${i}` })));
    const [a, b] = await Promise.all([
      processBatch(db.dataSource, settings, ids.slice(0, 11)),
      processBatch(db.dataSource, settings, ids.slice(11)),
    ]);
    const statuses = [...a.results, ...b.results].map((r) => r.status);
    expect(statuses.filter((s) => s === "issue")).toHaveLength(20);
    expect(statuses.filter((s) => s === "rejected")).toHaveLength(2);
    expect(statuses).toHaveLength(22);
    expect(await db.dataSource.getRepository(IssueEntity).count()).toBe(20);
  });
});
