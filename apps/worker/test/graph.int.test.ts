// Issue 13.1: a real worker process reads an Exchange Online mailbox through Microsoft Graph — here a local
// HTTPS server speaking the documented subset (graph-server.ts), reached through GRAPH_AUTHORITY_URL and
// GRAPH_ENDPOINT as a sovereign cloud would be — with paging, throttling and kill -9 mid-backlog.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv } from "@tidings/config";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { type DataSource, IssueEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { workerCommand } from "../../../scripts/bundle.ts";
import { type GraphServer, startGraphServer } from "./graph-server.ts";
import { eventually, simpleMessage } from "./helpers.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "../../..");

describe("Microsoft Graph mailbox (issue 13.1)", () => {
  let graph: GraphServer;
  let db: TestDatabase;
  let ds: DataSource;
  let projectId: number;
  const children: ChildProcess[] = [];
  const dataDirs: string[] = [];

  beforeEach(async () => {
    graph = await startGraphServer();
    db = await createTestDatabase();
    ds = db.dataSource;
    projectId = (await createIngestWorld(ds)).project.id;
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) {
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await exited;
      }
    }
    await graph.close();
    await db.drop();
    for (const d of dataDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** The worker's inbound side in its own process, bundled as `npm start` runs it. */
  const worker = async (env: Record<string, string> = {}) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-graph-data-"));
    dataDirs.push(dataDir);
    const child = spawn(process.execPath, await workerCommand("apps/worker/test/crash-worker.ts", "none"), {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: childEnv({
        DATABASE_URL: db.url,
        INBOUND_SMTP_PORT: "0",
        INCOMING_EMAIL_ADDRESS: "incoming+%{key}@appmail.adventuretime.ooo",
        SERVICE_DESK_EMAIL_ADDRESS: "support+%{key}@example.com",
        EMAIL_FROM: "support@tidings.test",
        INBOUND_ISSUES_PER_SENDER_PER_HOUR: "0",
        DATA_DIR: dataDir,
        LOG_LEVEL: "silent",
        NODE_ENV: "test",
        // How a deployment trusts a private CA; Azure's own clouds need nothing.
        NODE_EXTRA_CA_CERTS: graph.caFile,
        ...graph.env("SERVICE_DESK_"),
        ...env,
      }),
    });
    children.push(child);
    return child;
  };
  const issues = () => ds.getRepository(IssueEntity).count();
  const ledgerRows = async () =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM inbound_emails WHERE transport = 'graph'`))[0].n);
  const deliver = (count: number, tag: string) => {
    for (let i = 0; i < count; i++) graph.deliver(simpleMessage({ projectId, n: `${tag}-${i}` }));
  };

  it("reads the inbox through every page: each message becomes one issue, is fetched once and moved to Archive", async () => {
    deliver(25, "paged");
    await worker();
    await eventually(async () => graph.inbox().length === 0 && (await issues()) === 25, 30_000);
    expect(await ledgerRows()).toBe(25);
    expect(graph.archive()).toHaveLength(25);
    expect([...graph.fetches.values()].every((n) => n === 1)).toBe(true);
    // The server pages by 10: the listing followed @odata.nextLink.
    const graphCalls = graph.requests.filter((r) => r.path.startsWith("/v1.0/"));
    const firstFetch = graphCalls.findIndex((r) => r.path.endsWith("/$value"));
    expect(graphCalls.slice(0, firstFetch).map((r) => r.path.split("/").pop())).toEqual([
      "messages",
      "messages",
      "messages",
    ]);
    // The token came from the configured authority, not from Azure's public cloud.
    expect(graph.requests.some((r) => r.path === `/${graph.tenant}/oauth2/v2.0/token` && r.status === 200)).toBe(true);
    // The mailbox is healthy (/-/metrics reads the same row).
    const [cursor] = await ds.query(
      `SELECT last_error, last_sync_at FROM imap_cursors WHERE mailbox_key LIKE 'graph:%'`,
    );
    expect(cursor).toMatchObject({ last_error: null });
    expect(cursor.last_sync_at).not.toBeNull();

    // The bundled worker screened each message (issue 13.3): its sender checks ran and are stored.
    const [screened] = await ds.query(`SELECT screening FROM inbound_emails WHERE transport = 'graph' LIMIT 1`);
    expect(screened.screening).toMatchObject({ auth: { dkim: "none" }, problems: [] });

    // A message that arrives later is read by the next poll (GRAPH_POLL_INTERVAL=1).
    deliver(1, "later");
    await eventually(async () => (await issues()) === 26, 15_000);
  });

  it("waits as long as a 429's Retry-After says, then reads", async () => {
    deliver(3, "throttled");
    graph.throttle(2, 2);
    await worker();
    await eventually(async () => (await issues()) === 3, 30_000);
    const graphCalls = graph.requests.filter((r) => r.path.startsWith("/v1.0/"));
    const [first, second, third] = graphCalls;
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(2_000);
    expect(third.at - second.at).toBeGreaterThanOrEqual(2_000);
    expect(third.status).toBe(200);
  });

  it("kill -9 mid-backlog: after a restart every message is one issue, none lost, none fetched again once committed", async () => {
    const total = 120;
    deliver(total, "backlog");
    const first = await worker();
    await eventually(async () => (await ledgerRows()) >= 30, 60_000, 10);
    const exited = new Promise((r) => first.once("exit", r));
    first.kill("SIGKILL");
    await exited;
    expect(await ledgerRows()).toBeLessThan(total);

    await worker();
    await eventually(async () => graph.inbox().length === 0 && (await issues()) === total, 90_000);
    expect(await ledgerRows()).toBe(total);
    const titles: { title: string; n: number }[] = await ds.query(
      `SELECT title, count(*)::int AS n FROM issues GROUP BY title HAVING count(*) > 1`,
    );
    expect(titles).toEqual([]);
    expect(graph.archive()).toHaveLength(total);
    // Only messages fetched but not yet committed when the worker died are fetched again: at most one chunk.
    const refetched = [...graph.fetches.values()].filter((n) => n > 1).length;
    expect(refetched).toBeLessThanOrEqual(20);
    expect(await ds.query(`SELECT * FROM graph_stored_messages`)).toEqual([]);
  });

  it("a wrong client secret marks the mailbox failing with the authority's reason, never the secret", async () => {
    deliver(1, "denied");
    await worker({ SERVICE_DESK_GRAPH_CLIENT_SECRET: "not-the-secret" });
    const [row] = await eventually(async () => {
      const rows: { last_error: string | null }[] = await ds.query(
        `SELECT last_error FROM imap_cursors WHERE mailbox_key LIKE 'graph:%' AND last_error IS NOT NULL`,
      );
      return rows.length > 0 ? rows : null;
    }, 30_000);
    expect(row.last_error).toMatch(/token request .* failed: invalid_client/);
    expect(row.last_error).not.toContain("not-the-secret");
    expect(graph.inbox()).toHaveLength(1);
    expect(await issues()).toBe(0);
  });
});
