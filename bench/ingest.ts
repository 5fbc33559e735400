// Benchmark: sustained mail-in throughput into issues over SMTP and over IMAP, next to raw baselines
// measured in the same run: plain single-row INSERTs into PostgreSQL (4 connections, like the
// processor) and mailparser alone on the same messages. Loopback only; PostgreSQL is an embedded,
// durable (fsync on) cluster in a temp dir; Dovecot is a throwaway instance; the worker runs in its own
// process (2 cores: load generator and server apart). Bounded: a few thousand messages, stops by itself.
//
//   node --import tsx bench/ingest.ts [SMTP messages = 2000] [IMAP messages = 1000]
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { childEnv } from "@tidings/config";
import { createProject, parseEmail } from "@tidings/core";
import { connectAndMigrate, createDataSource, type DataSource, freePort, startEmbeddedPostgres } from "@tidings/db";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { startDovecot } from "../apps/worker/test/dovecot.ts";
import { createIngestWorld } from "../packages/core/src/ingest/testing/world.ts";

const SMTP_N = Math.min(3_000, Number(process.argv[2] ?? 2_000));
const IMAP_N = Math.min(2_000, Number(process.argv[3] ?? 1_000));
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(here);

/** ~5 KB plain-text messages, each from its own sender, to the project's Service Desk address. */
const messageFor = (projectId: number, tag: string, i: number, slug = "email-test") =>
  Buffer.from(
    [
      `From: Customer ${i} <customer${i}@${tag}.example.org>`,
      `To: incoming+${slug}-${projectId}-issue-@appmail.adventuretime.ooo`,
      `Subject: Printer ${i} is on fire (${tag})`,
      `Message-ID: <${tag}-${i}@example.org>`,
      "Date: Sat, 21 Nov 2026 12:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      ...Array.from({ length: 60 }, (_, l) => `Line ${l}: the quick brown fox jumps over the lazy dog; ticket ${i}.`),
      "",
    ].join("\r\n"),
  );

const waitFor = async (done: () => Promise<boolean>, timeoutMs = 300_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("benchmark timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Issues per second from the first stored message to the last issue, by the database's clock. */
const drainRate = async (ds: DataSource, tag: string, n: number) => {
  const [row] = await ds.query(
    `SELECT extract(epoch FROM (SELECT max(i.created_at) FROM issues i WHERE i.message_id LIKE $1)
              - (SELECT min(e.received_at) FROM inbound_emails e WHERE e.message_id LIKE $1))::float8 AS seconds`,
    [`${tag}-%`],
  );
  return { seconds: row.seconds as number, perSecond: n / row.seconds };
};

const main = async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-bench-ingest-"));
  fs.chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg") });
  const dovecot = await startDovecot(["bench@test"]);
  const ds = createDataSource({ url: pg.url, poolSize: 6, applicationName: "bench-ingest" });
  let worker: ChildProcess | null = null;
  const rows: { what: string; n: number; perSecond: number; seconds: number }[] = [];
  try {
    await connectAndMigrate(ds);
    const { project } = await createIngestWorld(ds, { ingest: { issuesPerSenderPerHour: 0 } });
    // Seven more projects: issue iids are allocated under each project's row lock, so one project
    // serialises its new issues; several projects show what the pipeline does in parallel.
    const projects = [project];
    for (let p = 2; p <= 8; p++) {
      projects.push(
        await ds.transaction((m) => createProject(m, { groupPath: "email", path: `p${p}`, serviceDeskEnabled: true })),
      );
    }
    const smtpPort = await freePort();

    // Baseline 1: mailparser alone on the same messages (sequential, this process).
    const sample = Array.from({ length: 1_000 }, (_, i) => messageFor(project.id, "parse", i));
    for (const m of sample.slice(0, 100)) await parseEmail(m); // warm-up
    let t = performance.now();
    for (const m of sample) await parseEmail(m);
    let s = (performance.now() - t) / 1000;
    rows.push({
      what: "baseline: mailparser simpleParser alone",
      n: sample.length,
      seconds: s,
      perSecond: sample.length / s,
    });

    // Baseline 2: plain single-row INSERT … RETURNING, autocommit, 4 connections (the processor's concurrency).
    await ds.query(
      `CREATE TABLE bench_issues (id serial PRIMARY KEY, project_id int NOT NULL, iid int NOT NULL, title text NOT NULL,
         description text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (project_id, iid))`,
    );
    const description = "x".repeat(4_000);
    const N_INSERT = 4_000;
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < N_INSERT) {
          const i = next++;
          await ds.query(
            `INSERT INTO bench_issues (project_id, iid, title, description) VALUES (1, $1, $2, $3) RETURNING id`,
            [i, `Issue ${i}`, description],
          );
        }
      }),
    );
    s = (performance.now() - t) / 1000;
    rows.push({
      what: "baseline: PostgreSQL single-row INSERTs (4 conns)",
      n: N_INSERT,
      seconds: s,
      perSecond: N_INSERT / s,
    });

    // The worker (inbound only) in its own process.
    worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/worker/test/crash-worker.ts"), "none"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: childEnv({
        DATABASE_URL: pg.url,
        INBOUND_SMTP_PORT: String(smtpPort),
        IMAP_URL: dovecot.url("bench@test"),
        INCOMING_EMAIL_ADDRESS: "incoming+%{key}@appmail.adventuretime.ooo",
        EMAIL_FROM: "support@tidings.test",
        INBOUND_ISSUES_PER_SENDER_PER_HOUR: "0",
        DATA_DIR: path.join(tmp, "data"),
        LOG_LEVEL: "silent",
      }),
    });
    await new Promise<void>((resolve, reject) => {
      worker?.stdout?.on("data", (d) => d.toString().includes("ready") && resolve());
      worker?.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
    });
    const issuesLike = async (tag: string) =>
      (await ds.query(`SELECT count(*)::int AS n FROM issues WHERE message_id LIKE $1`, [`${tag}-%`]))[0].n as number;

    // SMTP: nodemailer pool (4 connections) → our listener → stored → applied.
    const smtpRun = async (tag: string, n: number, spread = 1) => {
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: smtpPort,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: 4,
        maxMessages: Number.POSITIVE_INFINITY,
      });
      await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const p = projects[i % spread];
          const to = `incoming+${p.fullPathSlug}-${p.id}-issue-@appmail.adventuretime.ooo`;
          return transport.sendMail({
            envelope: { from: `customer${i}@${tag}.example.org`, to: [to] },
            raw: messageFor(p.id, tag, i, p.fullPathSlug),
          });
        }),
      );
      transport.close();
      await waitFor(async () => (await issuesLike(tag)) === n);
      return drainRate(ds, tag, n);
    };
    await smtpRun("smtpwarm", 200);
    const smtp = await smtpRun("smtp", SMTP_N);
    rows.push({ what: "SMTP → issues, 1 project (nodemailer, 4 conns)", n: SMTP_N, ...smtp });
    const smtp8 = await smtpRun("smtpspread", SMTP_N, 8);
    rows.push({ what: "SMTP → issues, 8 projects (nodemailer, 4 conns)", n: SMTP_N, ...smtp8 });

    // IMAP: a backlog APPENDed while the consumer holds the lease, drained through IDLE/fetch.
    const imapRun = async (tag: string, n: number) => {
      const c = new ImapFlow({
        host: "127.0.0.1",
        port: dovecot.port,
        secure: false,
        auth: { user: "bench@test", pass: "secret" },
        logger: false,
      });
      c.on("error", () => {});
      await c.connect();
      for (let i = 0; i < n; i++) await c.append("INBOX", messageFor(project.id, tag, i));
      await c.logout();
      await waitFor(async () => (await issuesLike(tag)) === n);
      await waitFor(async () => (await dovecot.list("INBOX", "bench@test")).length === 0);
      return drainRate(ds, tag, n);
    };
    await imapRun("imapwarm", 100);
    const imap = await imapRun("imap", IMAP_N);
    rows.push({ what: "IMAP → issues, 1 project (Dovecot, IDLE, backlog)", n: IMAP_N, ...imap });
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker?.once("exit", r));
      worker.kill("SIGTERM");
      await exited;
    }
    await ds.destroy().catch(() => undefined);
    await dovecot.stop();
    await pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  console.log(
    "\nMail in: sustained throughput into issues, ~5 KB plain-text messages, loopback, PostgreSQL fsync on\n",
  );
  console.log(`${"measurement".padEnd(50)} ${"messages".padStart(8)}  ${"msg/s".padStart(7)}  seconds`);
  for (const r of rows) {
    console.log(
      `${r.what.padEnd(50)} ${String(r.n).padStart(8)}  ${r.perSecond.toFixed(0).padStart(7)}  ${r.seconds.toFixed(2)}`,
    );
  }
  console.log("\n(SMTP/IMAP: from the first stored message to the last issue created, by PostgreSQL's clock;");
  console.log(
    " every message is stored raw, parsed, routed, applied with its thank-you email queued, in one transaction.)",
  );
  fs.mkdirSync(path.join(here, "results"), { recursive: true });
  fs.writeFileSync(
    path.join(here, "results", "ingest.json"),
    `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
  );
};

await main();
