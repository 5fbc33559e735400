// `npm run fuzz [messages = 3000] [seed = 15]`: thousands of mutated messages, seeded and reproducible,
// through a real worker (its own process: SMTP listener, processing threads) into an embedded
// PostgreSQL, while a normal client sends an ordinary message every 250 ms and times its 250.
// Reports sent, accepted, issues, notes, quarantined by reason, lost, duplicated, crashes, worker RSS
// and the normal client's 250 p50/p95 (issue 15). Exits 1 when a target is missed:
// 0 lost, 0 duplicated, 0 crashes, normal 250 p95 ≤ 2 s, worker RSS ≤ 300 MB.
import { type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connectAndMigrate, createDataSource, freePort, startEmbeddedPostgres } from "@tidings/db";
import nodemailer from "nodemailer";
import { createIngestWorld } from "../packages/core/src/ingest/testing/world.ts";
import { deskAddress, spawnInboundWorker } from "./inbound-worker.ts";

const N = Number(process.argv[2] ?? 3_000);
const SEED = Number(process.argv[3] ?? 15);
const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** mulberry32: a small seeded PRNG, so a run is reproducible from its seed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const rand = prng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: T[]): T => xs[int(xs.length)];

type Parts = { headers: string[]; body: string };
const bases: ((i: number) => Parts)[] = [
  (i) => ({
    headers: ["Content-Type: text/plain; charset=utf-8"],
    body: `Hello,\n\nprinter ${i} is on fire.\n\n-- \nAnn`,
  }),
  (i) => ({
    headers: ["Content-Type: text/html; charset=utf-8"],
    body: `<html><body><h1>Ticket ${i}</h1><p>It <b>broke</b> <a href="https://x.example/${i}">here</a>.</p><table><tr><td>a</td><td>b</td></tr></table></body></html>`,
  }),
  (i) => ({
    headers: ["Content-Type: multipart/mixed; boundary=zz"],
    body: `--zz\r\nContent-Type: text/plain\r\n\r\nLog ${i} attached.\r\n--zz\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=log${i}.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(`log ${i}`).toString("base64")}\r\n--zz--`,
  }),
  (i) => ({
    headers: ["Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"],
    body: `Gr=FC=DFe ${i}\n\nOn Mon, 1 Jan 2026, Desk wrote:\n> earlier text\n> more`,
  }),
];

/** Each mutation changes the message text; several are the hostile shapes of issue 15. */
const mutations: [string, (p: Parts, i: number) => void][] = [
  ["spaces-run", (p) => (p.body += `${" ".repeat(1_000 + int(60_000))}x`)],
  ["nul-body", (p) => (p.body = p.body.replace(/ /, "\0"))],
  ["nul-subject", (p) => p.headers.push(`X-Fuzz-Subject-Nul: 1`)],
  [
    "unclosed-tags",
    (p) => {
      p.body = `<html>${"<b><i><a>".repeat(1_000 + int(20_000))}x`;
      p.headers.unshift("Content-Type: text/html");
    },
  ],
  ["wrote-gt", (p) => (p.body += `\n\nOn Tue, Bob wrote:${">".repeat(1_000 + int(60_000))}\n`)],
  [
    "nested-tables",
    (p) => {
      p.body = `${"<table><tr><td>".repeat(10 + int(1_000))}deep`;
      p.headers.unshift("Content-Type: text/html");
    },
  ],
  [
    "flip-bytes",
    (p) => {
      const b = [...p.body];
      for (let k = 0; k < 1 + int(20); k++) b[int(b.length)] = String.fromCharCode(int(256));
      p.body = b.join("");
    },
  ],
  ["truncate", (p) => (p.body = p.body.slice(0, int(p.body.length)))],
  [
    "duplicate-range",
    (p) => {
      const a = int(p.body.length);
      p.body = p.body.slice(0, a) + p.body.slice(a).repeat(1 + int(5));
    },
  ],
  ["long-header", (p) => p.headers.push(`X-Long: ${"a".repeat(1_000 + int(20_000))}`)],
  ["bad-charset", (p) => p.headers.unshift("Content-Type: text/plain; charset=x-unknown-42")],
  ["lone-surrogate-ish", (p) => (p.body += "\uD800 \uDFFF \uFFFE")],
  [
    "deep-multipart",
    (p) => {
      const depth = 10 + int(1_000);
      let body = "";
      for (let d = 1; d <= depth; d++) body += `--d${d - 1}\r\nContent-Type: multipart/mixed; boundary=d${d}\r\n\r\n`;
      p.headers.unshift("Content-Type: multipart/mixed; boundary=d0");
      p.body = `${body}--d${depth}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n`;
    },
  ],
  ["reused-message-id", () => undefined],
  ["identical-resend", () => undefined],
];

type Fuzzed = { raw: Buffer; sha: string; kinds: string[]; subject: string };
const build = (i: number, to: string, earlierIds: string[]): Fuzzed => {
  const parts = pick(bases)(i);
  const kinds: string[] = [];
  for (let k = 0; k < 1 + int(2); k++) {
    const [name, fn] = pick(mutations);
    kinds.push(name);
    fn(parts, i);
  }
  const reuse = kinds.includes("reused-message-id") && earlierIds.length > 0;
  const messageId = reuse ? pick(earlierIds) : `fuzz-${SEED}-${i}@example.org`;
  const subject = `Fuzz ${i}${kinds.includes("nul-subject") ? "\0" : ""}`;
  const headers = [
    `From: Customer ${i % 97} <customer${i % 97}@fuzz.example.org>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    "Date: Sat, 21 Nov 2026 12:00:00 +0000",
    "MIME-Version: 1.0",
    ...parts.headers.filter(
      (h, idx, all) => !h.startsWith("Content-Type") || all.findIndex((x) => x.startsWith("Content-Type")) === idx,
    ),
  ];
  const raw = Buffer.from(`${headers.join("\r\n")}\r\n\r\n${parts.body}\r\n`, "latin1");
  return { raw, sha: createHash("sha256").update(raw).digest("hex"), kinds, subject: subject.replace("\0", "") };
};

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};

const main = async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-fuzz-"));
  fs.chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg") });
  const ds = createDataSource({ url: pg.url, poolSize: 4, applicationName: "fuzz" });
  let worker: ChildProcess | null = null;
  let crashes = 0;
  let peakRssKb = 0;
  try {
    await connectAndMigrate(ds);
    const { project } = await createIngestWorld(ds, { ingest: { issuesPerSenderPerHour: 0 } });
    const to = deskAddress(project);
    const port = await freePort();
    const started = await spawnInboundWorker({
      DATABASE_URL: pg.url,
      INBOUND_SMTP_PORT: String(port),
      DATA_DIR: path.join(tmp, "data"),
    });
    worker = started.worker;
    worker.on("exit", (code, signal) => {
      if (code !== 0 || signal) crashes++;
    });
    await started.ready;
    const rssTimer = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${worker?.pid}/status`, "utf8");
        peakRssKb = Math.max(peakRssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {}
    }, 500);

    // The normal client: one ordinary message every 250 ms on its own connection, timed to its 250.
    const normalTimes: number[] = [];
    let fuzzing = true;
    const normal = (async () => {
      for (let k = 0; fuzzing; k++) {
        const t = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
        const raw = Buffer.from(
          `From: Normal <normal@example.org>\r\nTo: ${to}\r\nSubject: Normal ${k}\r\nMessage-ID: <normal-${SEED}-${k}@example.org>\r\n\r\nAn ordinary message.\r\n`,
        );
        const start = performance.now();
        await t.sendMail({ envelope: { from: "normal@example.org", to: [to] }, raw }).catch(() => undefined);
        normalTimes.push(performance.now() - start);
        t.close();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const pool = nodemailer.createTransport({
      host: "127.0.0.1",
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
      maxMessages: Number.POSITIVE_INFINITY,
    });
    const kindsCount = new Map<string, number>();
    const accepted = new Map<string, { id: number; fuzz: Fuzzed }>(); // by sha256 of the bytes sent
    const smtpRefused = new Map<string, number>();
    let sent = 0;
    const ids: string[] = [];
    const all: Fuzzed[] = [];
    for (let i = 0; i < N; i++) {
      const f = i > 10 && rand() < 0.03 ? all[int(all.length)] : build(i, to, ids.slice(-200)); // some identical resends
      if (f === all[all.length - 1] || !all.includes(f)) all.push(f);
      for (const k of f.kinds) kindsCount.set(k, (kindsCount.get(k) ?? 0) + 1);
      ids.push(`fuzz-${SEED}-${i}@example.org`);
    }
    const t0 = performance.now();
    await Promise.all(
      all.map(async (f) => {
        sent++;
        try {
          const info = await pool.sendMail({ envelope: { from: "customer@fuzz.example.org", to: [to] }, raw: f.raw });
          const id = Number(/Stored as (\d+)/.exec(info.response)?.[1]);
          accepted.set(f.sha, { id, fuzz: f });
        } catch (err) {
          const code = String((err as { responseCode?: number }).responseCode ?? (err as Error).message.slice(0, 40));
          smtpRefused.set(code, (smtpRefused.get(code) ?? 0) + 1);
        }
      }),
    );
    pool.close();
    const sendSeconds = (performance.now() - t0) / 1000;
    // Wait for the ledger to settle (every stored row has an outcome), bounded.
    const deadline = Date.now() + 15 * 60_000;
    for (;;) {
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM inbound_emails WHERE status = 'received'`);
      if (n === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    fuzzing = false;
    await normal;
    clearInterval(rssTimer);

    // Lost: an accepted message whose ledger row is missing, or that was answered with the row of another,
    // different message (what a reused Message-ID did). Identical resends are one entry of `accepted`.
    const rows: { id: number; sha256: string; status: string; reason: string | null }[] = await ds.query(
      `SELECT id, sha256, status, reason FROM inbound_emails WHERE coalesce(subject, '') NOT LIKE 'Normal %'`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const perId = new Map<number, number>();
    for (const a of accepted.values()) perId.set(a.id, (perId.get(a.id) ?? 0) + 1);
    let lost = 0;
    for (const [id, n] of perId) lost += byId.has(id) ? n - 1 : n;
    const shas = new Set(rows.map((r) => r.sha256));
    const status = (s: string) => rows.filter((r) => r.status === s).length;
    const [{ issues }] = await ds.query(
      `SELECT count(*)::int AS issues FROM issues WHERE coalesce(title, '') NOT LIKE 'Normal %'`,
    );
    // Duplicated: more issues than ledger rows that made an issue, or one message (same bytes) in two rows.
    const duplicated = Math.max(0, issues - status("issue")) + (rows.length - shas.size);
    const quarantined = new Map<string, number>();
    for (const r of rows.filter((x) => ["ignored", "rejected", "failed", "received"].includes(x.status))) {
      const reason = `${r.status}: ${(r.reason ?? "").replace(/\d+/g, "N").slice(0, 90)}`;
      quarantined.set(reason, (quarantined.get(reason) ?? 0) + 1);
    }
    // By the id the 250 named (the stored bytes differ from the sent ones: SMTP normalises line ends).
    const sentAs = new Map([...accepted.values()].map((a) => [a.id, a.fuzz]));
    const failedRows = rows
      .filter((r) => r.status === "failed")
      .map((r) => ({ id: r.id, kinds: sentAs.get(r.id)?.kinds.join("+") ?? "?", raw: sentAs.get(r.id)?.raw }));
    const p95 = percentile(normalTimes, 95);
    const rssMb = peakRssKb / 1024;
    const out = [
      `fuzz: seed ${SEED}, ${N} messages generated (${all.length} distinct), sent in ${sendSeconds.toFixed(1)} s`,
      `sent ${sent}  accepted ${accepted.size}  refused at SMTP ${[...smtpRefused].map(([c, n]) => `${c}×${n}`).join(", ") || 0}`,
      `ledger rows ${rows.length}  issues ${issues}  notes ${status("note")}  duplicate (same message, one issue) ${status("duplicate")}`,
      "quarantined by reason:",
      ...[...quarantined].sort((a, b) => b[1] - a[1]).map(([r, n]) => `  ${String(n).padStart(5)}  ${r}`),
      `lost ${lost}  duplicated ${duplicated}  crashes ${crashes}`,
      `worker peak RSS ${rssMb.toFixed(0)} MB`,
      `normal client 250: n=${normalTimes.length} p50 ${percentile(normalTimes, 50).toFixed(0)} ms  p95 ${p95.toFixed(0)} ms  max ${Math.max(...normalTimes).toFixed(0)} ms`,
      `mutations: ${[...kindsCount].map(([k, n]) => `${k} ${n}`).join(", ")}`,
      // A message whose processing failed is kept, but it is a bug to fix: its mutations, and its bytes for a test.
      ...failedRows.map((r) => `failed ${r.id}: ${r.kinds} (bytes in bench/results/fuzz-failed-${r.id}.eml)`),
    ];
    console.log(out.join("\n"));
    fs.mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench/results/fuzz.txt"), `${out.join("\n")}\n`);
    for (const r of failedRows) {
      if (r.raw) fs.writeFileSync(path.join(ROOT, `bench/results/fuzz-failed-${r.id}.eml`), r.raw);
    }
    const missed = lost > 0 || duplicated > 0 || crashes > 0 || p95 > 2_000 || rssMb > 300;
    console.log(missed ? "TARGETS MISSED" : "targets met: 0 lost, 0 duplicated, 0 crashes, p95 ≤ 2 s, RSS ≤ 300 MB");
    process.exitCode = missed ? 1 : 0;
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker?.once("exit", r));
      worker.kill("SIGTERM");
      await exited;
    }
    await ds.destroy().catch(() => undefined);
    await pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
};

await main();
