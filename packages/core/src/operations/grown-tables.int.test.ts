// Issue 14.3: what an operator's views cost must not grow with the mail ever handled. The cockpit's mail
// health, its history sampler (every minute, for ever) and the /metrics scrape (every 15-60 s) read the
// ledger and the outbox; after a year of mail a statement that reads either from end to end costs a scan
// of every message on each tick. Grown to 30,000 rows, every statement they send is EXPLAINed, before the
// tables are analysed and after.
import { captureStatements, createTestDatabase, fullScansOf, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GROWN_TABLES, growTables } from "../ingest/testing/grown-tables.ts";
import { createIngestWorld } from "../ingest/testing/world.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { readMailHealthHistory, sampleMailHealth } from "./mail-health-history.ts";
import { readMailHealth } from "./read-mail-health.ts";
import { readMailMetrics } from "./read-mail-metrics.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

it("the mail health, its sampler and the metrics read no grown table from end to end", async () => {
  const w = await createIngestWorld(db.dataSource);
  const bot = await db.dataSource.transaction((m) => ensureSupportBot(m));
  await growTables(db.dataSource, { projectId: w.project.id, botId: bot.id });
  const facts = {
    smtpListener: true,
    webhook: true,
    outbound: "smtp" as const,
    canary: { enabled: false, alertAfterMinutes: 30 },
  };
  const m = db.dataSource.manager;
  const { result, statements } = await captureStatements(db.dataSource, async () => ({
    admin: await readMailHealth(m, { projectId: null, admin: true }, facts),
    project: await readMailHealth(m, { projectId: w.project.id, admin: false }, facts),
    sampled: await sampleMailHealth(m, new Date()),
    history: await readMailHealthHistory(m, w.project.id, "month"),
    metrics: await readMailMetrics(m),
  }));
  // What they read is there (the newest SMTP message, the newest sent email, every stored message counted).
  expect(result.admin.channels.find((c) => c.id === "smtp-listener")?.lastSuccessAt).toBeInstanceOf(Date);
  expect(result.metrics.inboundByStatus.issue).toBe(30_000);
  expect(statements.length).toBeGreaterThan(10);
  expect(await fullScansOf(db.dataSource, statements, GROWN_TABLES), "before autovacuum has looked").toEqual([]);
  await db.dataSource.query(`VACUUM ANALYZE ${GROWN_TABLES.join(", ")}`);
  expect(
    await fullScansOf(db.dataSource, statements, GROWN_TABLES, { walks: false }),
    "after autovacuum's pass",
  ).toEqual([]);
}, 120_000);
