// Benchmark: delivery throughput from the outbox to a local SMTP server, beside the raw rate of
// nodemailer sending the same messages to the same server, measured in the same run (interleaved).
// Loopback only; PostgreSQL is an embedded, durable (fsync on) cluster in a temp dir.
//
//   node --import tsx bench/outbound.ts [emails per round = 1000] [rounds = 3] [SMTP connections = 4]
//
// Both variants build the same messages (mailOptionsFor, which renders each email from its template and
// values, as the runner does since issue 14.3) and use a nodemailer pool with the same number of
// connections; the outbox adds the claim, the lease and one committed UPDATE per email.
// At most 2,500 emails per round and 3 rounds per variant (plus one warm-up round each).
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@tidings/config";
import { createLogger, DEFAULT_TEMPLATES, type MailSettings, mailSettingsFromConfig, renderLater } from "@tidings/core";
import { connectAndMigrate, createDataSource, type DataSource, startEmbeddedPostgres } from "@tidings/db";
import nodemailer from "nodemailer";
import { mailOptionsFor } from "../apps/worker/src/outbound/compose.ts";
import { startOutbound } from "../apps/worker/src/outbound/index.ts";
import type { ClaimedEmail } from "../apps/worker/src/outbound/outbox-store.ts";

const PER_ROUND = Math.min(2_500, Number(process.argv[2] ?? 1_000));
const ROUNDS = Math.min(3, Number(process.argv[3] ?? 3));
const CONCURRENCY = Math.min(16, Number(process.argv[4] ?? 4));
const here = path.dirname(fileURLToPath(import.meta.url));

type Sink = { port: number; count: () => Promise<number>; reset: () => Promise<void>; stop: () => void };

const startSink = async (): Promise<Sink> => {
  const child = fork(path.join(here, "smtp-sink.ts"), [], { execArgv: ["--import", "tsx"] });
  const next = () => new Promise<{ port?: number; count?: number }>((resolve) => child.once("message", resolve));
  const { port } = await next();
  return {
    port: port!,
    count: async () => {
      const reply = next();
      child.send("count");
      return (await reply).count!;
    },
    reset: async () => {
      const reply = next();
      child.send("reset");
      await reply;
    },
    stop: () => child.send("stop"),
  };
};

/** A new-note email as the use cases queue it: what the runner renders it from (issue 14.3). */
const render = renderLater(
  DEFAULT_TEMPLATES.newNote,
  {
    ISSUE_ID: "#42",
    NOTE_TEXT: `Hi Jane,\n\n${"We looked into the problem and **found the cause**. ".repeat(40)}\n\nBest regards,\nSam`,
    UNSUBSCRIBE_URL: "https://desk.example.com/-/unsubscribe/0123456789abcdef0123456789abcdef",
  },
  "Re: Printer on fire (#42)",
);

const headers = {
  "Reply-To": '"Acme Desk" <incoming+0123456789abcdef0123456789abcdef@desk.example.com>',
  "X-Tidings-Reply-Key": "0123456789abcdef0123456789abcdef",
  "List-Unsubscribe": "<https://desk.example.com/-/unsubscribe/0123456789abcdef0123456789abcdef>",
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  "Auto-Submitted": "auto-generated",
};

/** Queues `n` new-note-shaped emails in one statement (the outbox as the use cases leave it). */
const queue = async (ds: DataSource, round: string, n: number) => {
  await ds.query(
    `INSERT INTO outbound_emails (kind, dedupe_key, to_address, from_name, subject, message_id, in_reply_to,
       "references", headers, render)
     SELECT 'new_note', $1 || i, 'user' || i || '@customer.test', 'Sam Agent (@sam)', 'Re: Printer on fire (#42)',
            $1 || i || '@desk.example.com', 'issue_1@desk.example.com', ARRAY['issue_1@desk.example.com'],
            $2::jsonb, $3::jsonb
       FROM generate_series(1, $4) AS i`,
    [`bench-${round}-`, JSON.stringify(headers), JSON.stringify(render), n],
  );
};

const rawMessages = (n: number, round: string, mail: MailSettings) =>
  Array.from({ length: n }, (_, i) => {
    const row: ClaimedEmail = {
      id: i,
      kind: "new_note",
      projectId: null,
      issueId: null,
      toAddress: `user${i}@customer.test`,
      fromName: "Sam Agent (@sam)",
      subject: "Re: Printer on fire (#42)",
      messageId: `raw-${round}-${i}@desk.example.com`,
      inReplyTo: "issue_1@desk.example.com",
      references: ["issue_1@desk.example.com"],
      headers,
      textBody: null,
      htmlBody: null,
      render,
      attachments: [],
      attempts: 1,
      createdAt: new Date(),
      recipientUnsubscribed: false,
    };
    return mailOptionsFor(row, { emailFrom: "support@desk.example.com", dataDir: os.tmpdir(), mail });
  });

const waitFor = async (done: () => Promise<boolean>) => {
  while (!(await done())) await new Promise((r) => setTimeout(r, 20));
};

const main = async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-bench-outbound-"));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg") });
  const sink = await startSink();
  const ds = createDataSource({ url: pg.url, poolSize: 10, applicationName: "bench-outbound" });
  const results: { variant: string; round: number; emails: number; seconds: number; perSecond: number }[] = [];
  /** The HTML part of the emails sent, as rendered (for the heading). */
  let htmlBytes = 0;
  try {
    await connectAndMigrate(ds);
    const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
    const config = loadConfig({
      DATABASE_URL: pg.url,
      DATA_DIR: tmp,
      SMTP_URL: smtpUrl,
      PUBLIC_URL: "https://desk.example.com",
      LOG_LEVEL: "silent",
    });
    const mail = mailSettingsFromConfig(config);
    const log = createLogger("silent");

    const raw = async (round: number) => {
      const transport = nodemailer.createTransport({
        url: smtpUrl,
        pool: true,
        maxConnections: CONCURRENCY,
        maxMessages: 1000,
      });
      await sink.reset();
      const start = performance.now();
      // Built (rendered) inside the measurement, as the runner builds each email it sends.
      const messages = rawMessages(PER_ROUND, String(round), mail);
      htmlBytes = String(messages[0]?.html ?? "").length;
      await Promise.all(messages.map((m) => transport.sendMail(m)));
      const seconds = (performance.now() - start) / 1000;
      transport.close();
      if ((await sink.count()) !== PER_ROUND) throw new Error("the sink did not receive every raw email");
      return seconds;
    };

    const outbox = async (round: number) => {
      await queue(ds, `o${round}`, PER_ROUND);
      await ds.query("ANALYZE outbound_emails");
      await sink.reset();
      const start = performance.now();
      const runner = await startOutbound({ config, dataSource: ds, log }, { concurrency: CONCURRENCY });
      await waitFor(async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbound_emails WHERE status <> 'sent'`);
        return n === 0;
      });
      const seconds = (performance.now() - start) / 1000;
      await runner.stop();
      const received = await sink.count();
      if (received !== PER_ROUND) throw new Error(`the sink received ${received} outbox emails, expected ${PER_ROUND}`);
      return seconds;
    };

    // Warm-up of both (JIT, connections, the sink), not reported.
    await raw(0);
    await outbox(0);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [variant, fn] of [
        ["nodemailer → smtp-server (raw)", raw],
        ["outbox → smtp-server", outbox],
      ] as const) {
        const seconds = await fn(round);
        results.push({ variant, round, emails: PER_ROUND, seconds, perSecond: PER_ROUND / seconds });
      }
    }
  } finally {
    sink.stop();
    await ds.destroy().catch(() => undefined);
    await pg.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const fmt = (v: number) => v.toFixed(0).padStart(7);
  console.log(
    `\nOutbound delivery, ${PER_ROUND} emails per round (~${Math.round(htmlBytes / 1024)} KB HTML + text), ${CONCURRENCY} SMTP connections, loopback, PostgreSQL fsync on\n`,
  );
  console.log(`${"variant".padEnd(34)} round  emails/s   seconds`);
  for (const r of results) {
    console.log(
      `${r.variant.padEnd(34)} ${String(r.round).padStart(5)}  ${fmt(r.perSecond)}   ${r.seconds.toFixed(2)}`,
    );
  }
  const median = (variant: string) => {
    const v = results
      .filter((r) => r.variant === variant)
      .map((r) => r.perSecond)
      .sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  const rawRate = median("nodemailer → smtp-server (raw)");
  const outboxRate = median("outbox → smtp-server");
  console.log(`\noutbox / raw: ${((outboxRate / rawRate) * 100).toFixed(0)} %`);
  console.log(JSON.stringify({ bench: "outbound", perRound: PER_ROUND, rounds: ROUNDS, results }));
};

await main();
