// Benchmark: one event fanned out to 1,000 GraphQL-over-WebSocket subscribers (graphql-ws) of one api
// process, publish → receipt latency, next to a raw baseline measured in the same run, interleaved: the
// same api process also runs a bare `ws` server that LISTENs on its own channel and broadcasts the
// notification's payload (padded to the size of the GraphQL message) to 1,000 plain sockets.
// - Publish: a transaction that updates the issue and NOTIFYs (Tidings: core's publishEvent; raw: a
//   pg_notify on the baseline's channel); the clock starts before it begins, so commit time counts.
// - Subscribers: 1,000 distinct users, each a member with access (guests, reporters, group developers),
//   each with its own socket and the web app's IssueUpdated selection (author, labels, assignees, address).
// - Processes: this one (PostgreSQL driver, publisher, all 2,000 client sockets: the load generator) and
//   the api (spawned: `--serve`). Embedded PostgreSQL (durable, fsync on) in a temp dir; loopback only.
//   Bounded: N events (default 50, at most 200), 10 s per event at most, and a 5-minute watchdog.
//
//   node --import tsx bench/fanout.ts [events = 50] [subscribers = 1000] [--profile <api.cpuprofile>]
import "reflect-metadata";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import inspector from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { childEnv, loadConfig } from "@tidings/config";
import {
  addMember,
  createGroup,
  createIssue,
  createLogger,
  createPersonalAccessToken,
  createProject,
  createUser,
  ensureSupportBot,
  findOrCreateLabels,
  mailSettingsFromConfig,
  publishEvent,
} from "@tidings/core";
import { AccessLevel, connectAndMigrate, createDataSource, IssueLabelEntity, startEmbeddedPostgres } from "@tidings/db";
import { createClient } from "graphql-ws";
import pg from "pg";
import WebSocket, { WebSocketServer } from "ws";
import { API_NODE_FLAGS } from "../scripts/launch.ts";
import { cpuMsOf } from "./proc.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const RAW_CHANNEL = "bench_fanout_raw";
const EVENT_DEADLINE_MS = 10_000;
const WATCHDOG_MS = 5 * 60_000;
const TARGET_P95_MS = 200;
const SUBSCRIPTION = `subscription($p: ID!) {
  issueUpdated(projectPath: $p) {
    id iid title state confidential createdAt updatedAt externalAuthor
    author { username } labels { nodes { title } } assignees { nodes { username } }
  }
}`;

/** `--profile <file>`: the api process writes a CPU profile of the measured events (SIGUSR2 starts it). */
const profileOnSignal = (file: string) => {
  const session = new inspector.Session();
  session.connect();
  process.once("SIGUSR2", () => void session.post("Profiler.enable").then(() => session.post("Profiler.start")));
  return async () => {
    const { profile } = await session.post("Profiler.stop").catch(() => ({ profile: null }));
    if (profile) fs.writeFileSync(file, JSON.stringify(profile));
  };
};

/** The api process: built as main.ts builds it, plus the bare ws baseline server. */
const serve = async (databaseUrl: string, profileFile: string | undefined) => {
  const writeProfile = profileFile ? profileOnSignal(profileFile) : async () => undefined;
  const { createPgPubSub } = await import("../apps/api/src/graphql/pubsub.ts");
  const { buildApiSchema } = await import("../apps/api/src/graphql/schema.ts");
  const { createServer } = await import("../apps/api/src/server.ts");
  // As deployed (the Dockerfile sets NODE_ENV=production): production validation rules, and graphql-js
  // without its development-only checks.
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", PORT: "0", NODE_ENV: "production" });
  const log = createLogger("silent");
  const ds = createDataSource({ url: databaseUrl, poolSize: 20, applicationName: "tidings-api" });
  await ds.initialize();
  const pubSub = await createPgPubSub(databaseUrl, log);
  const server = await createServer(
    { config, dataSource: ds, log, pubSub, mail: mailSettingsFromConfig(config) },
    { schema: await buildApiSchema(pubSub), webDist: null },
  );
  const port = await server.listen(0, "127.0.0.1");
  const raw = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => raw.once("listening", resolve));
  const listen = new pg.Client({ connectionString: databaseUrl });
  await listen.connect();
  listen.on("notification", (n) => {
    for (const socket of raw.clients) socket.send(n.payload ?? "");
  });
  await listen.query(`LISTEN ${RAW_CHANNEL}`);
  const stop = async () => {
    await writeProfile();
    await listen.end().catch(() => undefined);
    for (const socket of raw.clients) socket.terminate();
    raw.close();
    await server.close();
    await pubSub.close();
    await ds.destroy();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.stdin.on("end", () => void stop()); // the parent went away: stop too
  process.stdin.resume();
  console.log(JSON.stringify({ port, rawPort: (raw.address() as { port: number }).port }));
};

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), max: s.at(-1) ?? Number.NaN };
};

/** Receipts of numbered events: when each arrived, per event, against the time it was published. */
const tracker = (subscribers: number) => {
  const published = new Map<number, number>();
  const arrivals = new Map<number, number[]>();
  return {
    published: (seq: number) => published.set(seq, performance.now()),
    arrived: (seq: number) => {
      const t0 = published.get(seq);
      if (t0 === undefined) return;
      const list = arrivals.get(seq) ?? [];
      list.push(performance.now() - t0);
      arrivals.set(seq, list);
    },
    complete: (seq: number) => (arrivals.get(seq)?.length ?? 0) >= subscribers,
    count: (seq: number) => arrivals.get(seq)?.length ?? 0,
    latencies: (seqs: number[]) => seqs.flatMap((s) => arrivals.get(s) ?? []),
    lastArrivals: (seqs: number[]) => seqs.map((s) => Math.max(...(arrivals.get(s) ?? [Number.NaN]))),
  };
};

const until = async (done: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
};

const main = async () => {
  const EVENTS = Math.min(200, Number(process.argv[2] ?? 50));
  const SUBSCRIBERS = Math.min(1_000, Number(process.argv[3] ?? 1_000));
  const PROFILE = process.argv.includes("--profile")
    ? path.resolve(process.argv[process.argv.indexOf("--profile") + 1])
    : null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-bench-fanout-"));
  const embedded = await startEmbeddedPostgres({ dataDir: tmp });
  const ds = createDataSource({ url: embedded.url, poolSize: 4, applicationName: "tidings-bench-fanout" });
  let api: ChildProcess | null = null;
  const closers: (() => unknown)[] = [];
  let cleaned: Promise<void> | null = null;
  /** Stops everything this run started (clients, the api process, PostgreSQL) and removes its files. */
  const cleanup = () => {
    cleaned ??= (async () => {
      for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
      if (api && api.exitCode === null) {
        const exited = new Promise((r) => api?.once("exit", r));
        api.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (api.exitCode === null) api.kill("SIGKILL");
      }
      if (ds.isInitialized) await ds.destroy().catch(() => undefined);
      await embedded.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    })();
    return cleaned;
  };
  const watchdog = setTimeout(() => {
    console.error(`fanout benchmark: still running after ${WATCHDOG_MS / 1000} s; stopping`);
    void cleanup().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  try {
    await connectAndMigrate(ds);
    const t0 = performance.now();
    const { issue, tokens } = await ds.transaction(async (m) => {
      const bot = await ensureSupportBot(m);
      await createGroup(m, { path: "acme" });
      const project = await createProject(m, { groupPath: "acme", path: "desk", serviceDeskEnabled: true });
      const tokens: string[] = [];
      for (let i = 0; i < SUBSCRIBERS; i++) {
        const username = `agent${i}`;
        const user = await createUser(m, { username, email: `${username}@acme.example` });
        // A mix of roles, some through the group (A3): 40 % guests, 40 % reporters, 20 % group developers.
        if (i % 5 === 4) await addMember(m, { username, accessLevel: AccessLevel.Developer, groupPath: "acme" });
        else
          await addMember(m, {
            username,
            accessLevel: i % 5 < 2 ? AccessLevel.Guest : AccessLevel.Reporter,
            projectPath: "acme/desk",
          });
        tokens.push((await createPersonalAccessToken(m, { userId: user.id, name: "bench" })).token);
      }
      const issue = await createIssue(m, {
        projectId: project.id,
        title: "Printer on fire",
        authorId: bot.id,
        externalAuthor: "jane@customer.example",
      });
      for (const label of await findOrCreateLabels(m, { projectId: project.id, titles: ["bug", "printer"] }))
        await m.save(m.create(IssueLabelEntity, { issueId: issue.id, labelId: label.id }));
      await m.query(
        "INSERT INTO issue_assignees (issue_id, user_id) SELECT $1, id FROM users WHERE username = 'agent2'",
        [issue.id],
      );
      return { issue, tokens };
    });
    await ds.query("VACUUM ANALYZE");
    const setupSeconds = (performance.now() - t0) / 1000;

    api = spawn(
      process.execPath,
      [
        // The api's node flags, as `npm start` runs it (scripts/launch.ts).
        ...API_NODE_FLAGS,
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--serve",
        embedded.url,
        ...(PROFILE ? [PROFILE] : []),
      ],
      {
        cwd: path.dirname(here),
        env: childEnv({ NODE_ENV: "production" }),
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    let apiExited = false;
    api.once("exit", () => {
      apiExited = true;
    });
    const ready = await new Promise<{ port: number; rawPort: number }>((resolve, reject) => {
      api?.once("exit", (code) => reject(new Error(`the api process exited (${code}) before it was ready`)));
      readline.createInterface({ input: api!.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    });

    const gql = tracker(SUBSCRIBERS);
    const raw = tracker(SUBSCRIBERS);
    let gqlErrors = 0;
    let gqlMessageBytes = 0;
    // 1,000 graphql-ws clients, each its own socket and user (bearer token, like a non-browser client).
    for (let start = 0; start < SUBSCRIBERS; start += 100) {
      await Promise.all(
        tokens.slice(start, start + 100).map(
          (token) =>
            new Promise<void>((resolve, reject) => {
              const client = createClient({
                url: `ws://127.0.0.1:${ready.port}/graphql`,
                webSocketImpl: WebSocket,
                connectionParams: { authorization: `Bearer ${token}` },
                retryAttempts: 0,
                on: { connected: () => resolve(), closed: (e) => reject(new Error(`socket closed: ${String(e)}`)) },
              });
              closers.push(() => client.dispose());
              client.subscribe<{ issueUpdated: { title: string } | null }>(
                { query: SUBSCRIPTION, variables: { p: "acme/desk" } },
                {
                  next: (value) => {
                    const title = value.data?.issueUpdated?.title ?? "";
                    gqlMessageBytes ||= JSON.stringify({ id: "1", type: "next", payload: value }).length;
                    gql.arrived(Number(/#(\d+)$/.exec(title)?.[1] ?? -1));
                  },
                  error: () => gqlErrors++,
                  complete: () => undefined,
                },
              );
            }),
        ),
      );
    }
    const rawSockets = await Promise.all(
      Array.from(
        { length: SUBSCRIBERS },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const socket = new WebSocket(`ws://127.0.0.1:${ready.rawPort}`);
            socket.on("message", (data) => raw.arrived((JSON.parse(String(data)) as { seq: number }).seq));
            socket.once("open", () => resolve(socket));
            socket.once("error", reject);
          }),
      ),
    );
    closers.push(() => {
      for (const s of rawSockets) s.terminate();
    });

    const publishGql = async (seq: number) => {
      gql.published(seq);
      await ds.transaction(async (m) => {
        await m.query("UPDATE issues SET title = $2, updated_at = now() WHERE id = $1", [
          issue.id,
          `Printer on fire #${seq}`,
        ]);
        await publishEvent(m, { type: "issue_updated", projectId: issue.projectId, issueId: issue.id });
      });
    };
    const publishRaw = async (seq: number) => {
      const bare = JSON.stringify({ seq, pad: "" });
      const payload = JSON.stringify({ seq, pad: "x".repeat(Math.max(0, gqlMessageBytes - bare.length)) });
      raw.published(seq);
      await ds.transaction(async (m) => {
        await m.query("UPDATE issues SET title = $2, updated_at = now() WHERE id = $1", [
          issue.id,
          `Printer on fire #${seq}`,
        ]);
        await m.query("SELECT pg_notify($1, $2)", [RAW_CHANNEL, payload]);
      });
    };

    // Warm-up (not measured): until every subscription is live and every socket has had an event.
    let warm = 0;
    for (let seq = 100_000; warm < 5; seq++) {
      await publishGql(seq);
      if (await until(() => gql.complete(seq), 1_000)) warm++;
      if (seq > 100_060) throw new Error(`only ${gql.count(seq)} of ${SUBSCRIBERS} subscriptions receive events`);
    }
    for (let seq = 100_000; seq < 100_005; seq++) {
      await publishRaw(seq);
      await until(() => raw.complete(seq), EVENT_DEADLINE_MS);
    }

    if (PROFILE) api.kill("SIGUSR2");
    // Measured: N events each way, interleaved (alternating which goes first), one at a time. The api
    // process's CPU time (/proc, 10 ms ticks) from publish until every socket has it, summed per kind.
    const seqs = Array.from({ length: EVENTS }, (_, i) => i + 1);
    const missing = { gql: 0, raw: 0 };
    const cpuMs = { gql: 0, raw: 0 };
    const apiPid = api.pid;
    if (apiPid === undefined) throw new Error("the api process has no pid");
    for (const seq of seqs) {
      const order = seq % 2 ? (["gql", "raw"] as const) : (["raw", "gql"] as const);
      for (const kind of order) {
        if (apiExited) throw new Error("the api process exited during the benchmark");
        const t = kind === "gql" ? gql : raw;
        const cpuBefore = cpuMsOf(apiPid);
        await (kind === "gql" ? publishGql(seq) : publishRaw(seq));
        if (!(await until(() => t.complete(seq), EVENT_DEADLINE_MS))) missing[kind] += SUBSCRIBERS - t.count(seq);
        cpuMs[kind] += cpuMsOf(apiPid) - cpuBefore;
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    const variants = [
      {
        label: `Tidings issueUpdated over graphql-ws (${gqlMessageBytes} B)`,
        perReceipt: stats(gql.latencies(seqs)),
        lastSocketPerEvent: stats(gql.lastArrivals(seqs)),
        apiCpuMsPerEvent: cpuMs.gql / EVENTS,
        missing: missing.gql,
        errors: gqlErrors,
      },
      {
        label: "raw: bare ws broadcast of a NOTIFY, same size",
        perReceipt: stats(raw.latencies(seqs)),
        lastSocketPerEvent: stats(raw.lastArrivals(seqs)),
        apiCpuMsPerEvent: cpuMs.raw / EVENTS,
        missing: missing.raw,
        errors: 0,
      },
    ];
    const ms = (n: number) => n.toFixed(1).padStart(8);
    console.log(
      `\nTidings fan-out: ${SUBSCRIBERS.toLocaleString("en")} subscribers (distinct member users, own sockets) on one api process, ` +
        `${EVENTS} events each way, interleaved; publish (UPDATE + NOTIFY commit) → receipt at the client (setup ${setupSeconds.toFixed(1)} s)\n`,
    );
    console.log(
      `${"variant".padEnd(50)}${"p50 ms".padStart(8)}${"p95 ms".padStart(8)}${"max ms".padStart(8)}  ${"last socket p95".padStart(16)}${"api CPU ms/event".padStart(18)}`,
    );
    for (const v of variants)
      console.log(
        `${v.label.padEnd(50)}${ms(v.perReceipt.p50)}${ms(v.perReceipt.p95)}${ms(v.perReceipt.max)}  ${ms(v.lastSocketPerEvent.p95).padStart(16)}${ms(v.apiCpuMsPerEvent).padStart(18)}`,
      );
    const [tidings, bare] = variants;
    const met = tidings.perReceipt.p95 <= TARGET_P95_MS && tidings.missing === 0 && tidings.errors === 0;
    console.log(
      `\np95 ${tidings.perReceipt.p95.toFixed(1)} ms vs target ≤ ${TARGET_P95_MS} ms: ${met ? "met" : "NOT met"}; ` +
        `${(tidings.perReceipt.p95 / bare.perReceipt.p95).toFixed(1)}× the raw broadcast's p95; ` +
        `missing deliveries: Tidings ${tidings.missing}, raw ${bare.missing}; subscription errors: ${tidings.errors}`,
    );
    const result = {
      bench: "fanout",
      subscribers: SUBSCRIBERS,
      events: EVENTS,
      messageBytes: gqlMessageBytes,
      tidings,
      raw: bare,
      targetP95Ms: TARGET_P95_MS,
      met,
    };
    fs.mkdirSync(path.join(here, "results"), { recursive: true });
    fs.writeFileSync(path.join(here, "results", "fanout.json"), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n${JSON.stringify(result)}`);
    if (tidings.missing || tidings.errors) process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
};

if (process.argv[2] === "--serve") await serve(process.argv[3], process.argv[4]);
else await main();
