// Issue 14.3: the quarantine's page, its total and the navigation badge cost what the quarantine shows,
// not what the ledger holds. Before, the badge counted every project's quarantine through the status
// index on each page load (the ledger has no project index), and a project's page walked the ledger back
// from its newest row to its few quarantined ones. Here a project's three quarantined messages sit under
// 30,000 processed messages of its own and 20,000 quarantined ones of another project and of none.
import { QUARANTINE_STATUSES } from "@tidings/db";
import { captureStatements, createTestDatabase, fullScansOf, type TestDatabase } from "@tidings/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createProject } from "../projects/create-project.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import { quarantineCount, quarantinePage } from "./quarantine-page.ts";
import { GROWN_TABLES, growTables } from "./testing/grown-tables.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => db?.drop());

it("reads a project's quarantine by its own index, never the whole ledger for the instance's, and counts both exactly", async () => {
  const ds = db.dataSource;
  const w = await createIngestWorld(ds);
  const other = await ds.transaction((m) => createProject(m, { groupPath: "email", path: "other" }));
  const bot = await ds.transaction((m) => ensureSupportBot(m));
  const quarantine = (projectId: number | null, from: number, n: number, status: string) =>
    ds.query(
      `INSERT INTO inbound_emails (idempotency_key, transport, raw, size_bytes, sha256, status, reason, project_id)
       SELECT 'q:' || $1::text || ':' || g, 'smtp', decode(repeat(md5(g::text), 50), 'hex'), 800, md5(g::text),
              $3, 'Quarantined for a test', $2
         FROM generate_series($1::int, $1::int + $4::int - 1) g`,
      [from, projectId, status, n],
    );
  // The project's own three come first (oldest), everything else after.
  await quarantine(w.project.id, 1, 1, "rejected");
  await quarantine(w.project.id, 2, 1, "ignored");
  await quarantine(w.project.id, 3, 1, "failed");
  await growTables(ds, { projectId: w.project.id, botId: bot.id });
  await quarantine(other.id, 10, 8_000, "rejected");
  await quarantine(other.id, 10_000, 2_000, "failed");
  await quarantine(null, 20_000, 10_000, "ignored");

  const m = ds.manager;
  const mine = { projectId: w.project.id, status: null };
  const project = await captureStatements(ds, async () => ({
    page: await quarantinePage(m, mine, { limit: 2, afterId: null }),
    failed: await quarantinePage(m, { ...mine, status: "failed" }, { limit: 50, afterId: null }),
    count: await quarantineCount(m, mine),
    otherFailed: await quarantineCount(m, { projectId: other.id, status: "failed" }),
  }));
  const instance = await captureStatements(ds, async () => ({
    all: await quarantinePage(m, { projectId: "all", status: null }, { limit: 50, afterId: null }),
    allCount: await quarantineCount(m, { projectId: "all", status: null }),
  }));
  const result = { ...project.result, ...instance.result };
  const next = await quarantinePage(m, mine, { limit: 2, afterId: result.page[1].id });

  // What the maintainer sees: newest first, one page after another, and the totals.
  expect([...result.page, ...next].map((e) => e.status)).toEqual(["failed", "ignored", "rejected"]);
  expect(result.failed.map((e) => e.projectId)).toEqual([w.project.id]);
  expect(result.all).toHaveLength(50);
  expect(result.all.every((e) => QUARANTINE_STATUSES.includes(e.status))).toBe(true);
  const counted = async (where: string, params: unknown[]) =>
    (await ds.query(`SELECT count(*)::int AS n FROM inbound_emails WHERE ${where}`, params))[0].n;
  expect(result.count).toBe(3);
  expect(result.otherFailed).toBe(await counted("project_id = $1 AND status = 'failed'", [other.id]));
  expect(result.allCount).toBe(await counted("status = ANY($1::text[])", [QUARANTINE_STATUSES]));
  expect(result.allCount).toBe(20_003);

  // A project's quarantine is read by its project: walking the instance's quarantine (which grows with
  // every project's spam) to find a project's rows would count too.
  const readsOfProject = () => fullScansOf(ds, project.statements, GROWN_TABLES);
  const readsOfInstance = () => fullScansOf(ds, instance.statements, GROWN_TABLES, { walks: false });
  expect(await readsOfProject(), "a project's, before autovacuum has looked").toEqual([]);
  expect(await readsOfInstance(), "the instance's, before autovacuum has looked").toEqual([]);
  await ds.query(`VACUUM ANALYZE ${GROWN_TABLES.join(", ")}`);
  expect(await readsOfProject(), "a project's, after autovacuum's pass").toEqual([]);
  expect(await readsOfInstance(), "the instance's, after autovacuum's pass").toEqual([]);
}, 120_000);
