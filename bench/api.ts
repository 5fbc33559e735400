// Benchmark (issue 14.4/14.6): latency of the Service Desk issue list (50 issues; each state, sort,
// label, assignee, author filter and full-text search) over GraphQL on ONE project holding N issues
// (default 1,000,000), next to the very same SQL statements run directly on one pg connection, measured
// in the same run, interleaved. Embedded PostgreSQL (durable, fsync on) in a temp dir.
//
//   node --import tsx bench/api.ts [issues = 1000000] [samples per variant = 200] [--explain: plans only]
//                                  [--search: only the search variants (issue 10.5; `npm run bench` runs them at 100k)]
//                                  [--only=text: only the variants whose name contains it]
//                                  [--data-dir=DIR: keep the database there, and reuse it when it already
//                                   holds the issues (generating 1M takes minutes; for working on plans)]
//
// The SQL baseline replays the statements the api ran for one request (captured from TypeORM's
// logger: session lookup, abilities, page, count and the DataLoader batches), so the difference is
// GraphQL + Express + TypeORM + JSON. Sequential requests (latency, not throughput). The targets are
// server-side (issue 14.4): each request's time from its headers parsed to its last byte handed to the
// socket, read from the api's own http server; the client's round trip (a lean node:http client in this process,
// its JSON parse included) is printed beside it. The issues are
// generated set-based (INSERT … SELECT generate_series, the secondary indexes built afterwards), so
// 1M issues take minutes. Prints a table and writes JSON to bench/results/api-<time>.json.
import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@tidings/config";
import { createLogger, mailSettingsFromConfig, seedDemo } from "@tidings/core";
import {
  connectAndMigrate,
  createDataSource,
  isPreparedStatement,
  preparedStatementName,
  SESSION_OPTIONS,
  startEmbeddedPostgres,
} from "@tidings/db";
import type { ASTNode } from "graphql";
import pg from "pg";
import type { Logger as TypeOrmLogger } from "typeorm";
import { leanPoster } from "../apps/api/test/lean-post.ts";
import { API_NODE_FLAGS } from "../scripts/launch.ts";
import { generateIssues, TRIAGED, triage } from "./api-data.ts";
import { relaunchWithNodeFlags } from "./node-flags.ts";

// The api runs in this process: with the node flags `npm start` gives the api (a run started without them
// starts again with them), so its garbage collection is the product's.
relaunchWithNodeFlags(API_NODE_FLAGS);

// As deployed (the Docker image sets NODE_ENV=production): graphql-js otherwise runs its development-only
// cross-realm checks on every type test. Set before the api's modules (and so graphql) are loaded.
// biome-ignore lint/style/noProcessEnv: not configuration; it puts graphql-js in its deployed mode for the measurement
process.env.NODE_ENV ??= "production";
const { Kind, parse, print, visit } = await import("graphql");
const { createPgPubSub } = await import("../apps/api/src/graphql/pubsub.ts");
const { buildApiSchema } = await import("../apps/api/src/graphql/schema.ts");
const { createServer } = await import("../apps/api/src/server.ts");

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const ISSUES = Number(args[0] ?? 1_000_000);
const SAMPLES = Number(args[1] ?? 200);
if (!Number.isInteger(ISSUES) || ISSUES < 100 || !Number.isInteger(SAMPLES) || SAMPLES < 10) {
  console.error("usage: node --import tsx bench/api.ts [issues ≥ 100 = 1000000] [samples ≥ 10 = 200] [--explain]");
  process.exit(2);
}
/** Measurement time per variant (after warm-up), so the run stays bounded (~13 variants). */
const TIME_BUDGET_MS = 15_000;
/** Rounds of every variant before any is measured (a warm api). */
const WARM_ROUNDS = 5;
const EXPLAIN = process.argv.includes("--explain");
const SEARCH_ONLY = process.argv.includes("--search");
/** --only=text: the variants whose name contains it (to study one with --explain). */
/** The value of `--name=value` on the command line, or null. */
const flagValue = (name: string): string | null =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
const ONLY = flagValue("only");
const DATA_DIR = flagValue("data-dir");
const PASSWORD = "bench-password-123";
const TARGET_P95_MS = 20;

/**
 * An operation of the web app's issue list (apps/web/src/scenes/issues/issues.graphql) with the fragments it
 * uses, read from its document: the benchmark sends what the browser sends.
 */
const webOperation = (name: string) => {
  const doc = parse(fs.readFileSync(new URL("../apps/web/src/scenes/issues/issues.graphql", import.meta.url), "utf8"));
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!op) throw new Error(`the ${name} query is not in apps/web/src/scenes/issues/issues.graphql`);
  const fragments = new Map(
    doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const used = new Set<string>();
  const follow = (node: ASTNode) =>
    visit(node, {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !used.has(spread.name.value)) {
          used.add(spread.name.value);
          follow(fragment);
        }
      },
    });
  follow(op);
  return [op, ...[...used].map((n) => fragments.get(n) as ASTNode)].map((d) => print(d)).join("\n");
};
type Request = { query: string; variables?: Record<string, unknown> };
/**
 * The list as the web app asks for it (its IssuesScene query: the project's header fields, the page's rows
 * with their labels, assignees, requester name, unread mark and search snippet); no count (the tabs count it).
 */
const ISSUES_SCENE = webOperation("IssuesScene");
const list = (filters: Record<string, unknown>): Request => ({
  query: ISSUES_SCENE,
  variables: { fullPath: "demo/app", first: 50, ...filters },
});
/** The state tabs' counts: the web app's IssueCounts query (each tab's count capped at 1,000). */
const ISSUE_COUNTS = webOperation("IssueCounts");
const TABS = ["needsReplyCount", "openedCount", "closedCount", "allCount"];
const counts = (filters: Record<string, unknown>): Request => ({
  query: ISSUE_COUNTS,
  variables: { fullPath: "demo/app", authorUsername: "support-bot", ...filters },
});
/** The Service Desk tab. */
const SD = { authorUsername: "support-bot" };
/** Issue 10 "Done when": the Service Desk list, needs reply, by last customer activity, with a search term. */
const NEEDS_REPLY = { ...SD, state: "all", needsReply: true, sort: "LAST_CUSTOMER_ACTIVITY_DESC" };
/** The list as the web app asks for it: the Service Desk tab (author support-bot) unless said otherwise. */
const VARIANTS: Record<string, Request> = {
  "opened, CREATED_DESC": list({ ...SD, state: "opened", sort: "CREATED_DESC" }),
  "opened, CREATED_ASC": list({ ...SD, state: "opened", sort: "CREATED_ASC" }),
  "opened, UPDATED_DESC": list({ ...SD, state: "opened", sort: "UPDATED_DESC" }),
  "opened, UPDATED_ASC": list({ ...SD, state: "opened", sort: "UPDATED_ASC" }),
  "closed, CREATED_DESC": list({ ...SD, state: "closed", sort: "CREATED_DESC" }),
  "all states, UPDATED_DESC": list({ ...SD, state: "all", sort: "UPDATED_DESC" }),
  "opened + label bug": list({ ...SD, state: "opened", labelName: ["bug"], sort: "CREATED_DESC" }),
  "opened + labels bug & urgent (rare)": list({ ...SD, state: "opened", labelName: ["bug", "urgent"] }),
  "opened + assignee developer": list({ ...SD, state: "opened", assigneeUsernames: ["developer"] }),
  "all tab (no author), opened": list({ state: "opened", sort: "CREATED_DESC" }),
  "author developer (20 %), opened, UPDATED_DESC": list({
    authorUsername: "developer",
    state: "opened",
    sort: "UPDATED_DESC",
  }),
  'search "printer" (20 %), UPDATED_DESC': list({ ...SD, state: "opened", search: "printer", sort: "UPDATED_DESC" }),
  'search "order 4242" (rare)': list({ ...SD, state: "all", search: "order 4242" }),
  'needs reply + LCA_DESC, search "refund" (stem)': list({ ...NEEDS_REPLY, search: "refund" }),
  'needs reply + LCA_DESC, search "ruckerstattung"': list({ ...NEEDS_REPLY, search: "ruckerstattung" }),
  'needs reply + LCA_DESC, search "courier" (comments)': list({ ...NEEDS_REPLY, search: "courier" }),
  'needs reply + LCA_DESC, search "escalat" (internal)': list({ ...NEEDS_REPLY, search: "escalat" }),
  'needs reply + LCA_DESC, search "customer42@" domain': list({ ...NEEDS_REPLY, search: "customer42@example.net" }),
  "tab counts: Service Desk": counts({}),
  "tab counts: Service Desk + labels bug & urgent": counts({ labelName: ["bug", "urgent"] }),
  'tab counts: Service Desk, search "printer"': counts({ search: "printer" }),
  'tab counts: Service Desk, search "courier"': counts({ search: "courier" }),
};
const isCounts = (name: string) => name.startsWith("tab counts");

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const ms = (n: number) => n.toFixed(2).padStart(8);

type Captured = { sql: string; params: unknown[] };

const main = async () => {
  const dir = DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "tidings-bench-api-"));
  const embedded = await startEmbeddedPostgres({ dataDir: dir });
  const ds = createDataSource({ url: embedded.url, poolSize: 10, applicationName: "tidings-bench-api" });
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  let pubSub: Awaited<ReturnType<typeof createPgPubSub>> | undefined;
  // The same session settings as the api's pool: the baseline is the same SQL in the same conditions.
  const direct = new pg.Client({ connectionString: embedded.url, options: SESSION_OPTIONS });
  try {
    await connectAndMigrate(ds);
    const [{ existing }] = await ds.query("SELECT count(*)::int AS existing FROM issues");
    // Written once the generation has finished (indexes built, vacuumed): a kept --data-dir is reused
    // only when it holds a finished generation of the same size.
    const generated = path.join(dir, "bench-generated");
    const finished = fs.existsSync(generated) ? Number(fs.readFileSync(generated, "utf8")) : null;
    const t0 = Date.now();
    if (existing > 0 && (existing !== ISSUES || finished !== ISSUES)) {
      throw new Error(
        `${dir} holds ${existing} issues from ${finished === null ? "an unfinished" : "another"} generation, not ${ISSUES}: use another --data-dir`,
      );
    }
    if (existing === 0) {
      await ds.transaction((m) => seedDemo(m, { password: PASSWORD }));
      await generateIssues(ds, ISSUES);
      fs.writeFileSync(generated, String(ISSUES));
    }
    const loadSeconds = (Date.now() - t0) / 1000;
    const [{ notes }] = await ds.query("SELECT count(*)::int AS notes FROM notes");
    const [{ id: measuredProject }] = await ds.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
    const pending = await triage(ds, measuredProject, ISSUES);

    const config = loadConfig({ DATABASE_URL: embedded.url, LOG_LEVEL: "silent", PORT: "0", NODE_ENV: "production" });
    const log = createLogger("silent");
    pubSub = await createPgPubSub(embedded.url, log);
    server = await createServer(
      { config, dataSource: ds, log, pubSub, mail: mailSettingsFromConfig(config) },
      { schema: await buildApiSchema(pubSub), webDist: null },
    );
    const port = await server.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}`;
    // Server-side time of each GraphQL request (requests are sequential: one at a time).
    let served: Promise<number> | null = null;
    server.httpServer.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== "/graphql") return;
      const t = performance.now();
      served = new Promise((resolve) => res.once("finish", () => resolve(performance.now() - t)));
    });
    const signIn = await fetch(`${url}/auth/sign_in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "reporter", password: PASSWORD }),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];

    // Capture the statements one request runs.
    let capture: Captured[] | null = null;
    const original = ds.logger;
    const capturing: TypeOrmLogger = {
      logQuery: (sql, params) => {
        capture?.push({ sql, params: (params ?? []) as unknown[] });
      },
      logQueryError: (...a) => original.logQueryError(...a),
      logQuerySlow: (...a) => original.logQuerySlow(...a),
      logSchemaBuild: (...a) => original.logSchemaBuild(...a),
      logMigration: (...a) => original.logMigration(...a),
      log: (...a) => original.log(...a),
    };
    Object.defineProperty(ds, "logger", { value: capturing, configurable: true });
    await direct.connect();

    const results: Record<string, unknown>[] = [];
    console.log(
      `\nTidings api benchmark: ${ISSUES.toLocaleString("en")} issues and ${notes.toLocaleString("en")} notes in one project (generated in ${loadSeconds.toFixed(0)} s), ` +
        `viewer reporter, 50 per page, up to ${SAMPLES} samples per variant, interleaved; ms\n` +
        `${TRIAGED.toLocaleString("en")} issues touched first, as a day's triage does; GIN pending pages then: ${pending}\n`,
    );
    const header = `${"variant".padEnd(48)}${"server p50".padStart(11)}${"p95".padStart(8)}${"round trip p95".padStart(15)}${"SQL p50".padStart(9)}${"p95".padStart(8)}${"ratio".padStart(7)}  shown`;
    console.log(header);
    const variants = Object.entries(VARIANTS).filter(
      ([name]) => (!SEARCH_ONLY || name.includes("search")) && (!ONLY || name.includes(ONLY)),
    );
    // A warm api, as a deployed one that has served lists is: every variant a few times before any is
    // measured. Without it the first variant measured paid for V8's compiling the request path (its p50
    // 11 ms where its neighbours' were 7).
    // A lean client (apps/api/test/lean-post.ts): Node's fetch put ~100 KB of garbage per request in the
    // api's heap here, which the api's scavenges and the SQL baseline paid for; a browser's fetch does not.
    const client = leanPoster(`${url}/graphql`, { cookie });
    const post = async (request: Request): Promise<unknown> =>
      JSON.parse((await client.post(JSON.stringify(request))).text);
    if (!EXPLAIN)
      for (let round = 0; round < WARM_ROUNDS; round++) for (const [, variant] of variants) await post(variant);
    for (const [name, variant] of variants) {
      const request = variant;
      const gql = async () => {
        type Count = { countCapped: number; countIsExact: boolean };
        const body = (await post(request)) as {
          errors?: unknown;
          data?: { project: { issues?: { nodes: unknown[] } } & Record<string, Count | undefined> };
        };
        if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
        const { project } = body.data;
        const tabs = TABS.map((k) => project[k] as Count | undefined);
        return {
          rows: project.issues?.nodes.length ?? 0,
          // A list: its rows; the tabs: their counts, as the web app shows them.
          shown: isCounts(name)
            ? tabs
                .map((c) => (c ? `${c.countCapped.toLocaleString("en")}${c.countIsExact ? "" : "+"}` : "?"))
                .join(" · ")
            : `${project.issues?.nodes.length ?? 0} rows`,
        };
      };
      // The statements of a warm request: what the api reads once and keeps (the search statistics, for a
      // minute) is not replayed on every sample.
      for (let i = 0; i < 10; i++) await gql();
      capture = [];
      const sample = await gql();
      const statements = capture as Captured[];
      capture = null;
      // Each statement as the api sent it: a lookup it prepares is prepared here too (prepared-query.ts).
      const sql = async () => {
        for (const s of statements)
          await (isPreparedStatement(s.sql)
            ? direct.query({ name: preparedStatementName(s.sql), text: s.sql, values: s.params })
            : direct.query(s.sql, s.params));
      };
      if (EXPLAIN) {
        for (const s of statements.filter((x) => /\bFROM issues i\b/.test(x.sql))) {
          const plan = await direct.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params);
          console.log(plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n"));
        }
        continue; // --explain: the plans only, no timing
      }
      for (let i = 0; i < 10; i++) {
        await gql();
        await sql();
      }
      const g: number[] = [];
      const r: number[] = [];
      const d: number[] = [];
      const measureStart = Date.now();
      while (g.length < SAMPLES && Date.now() - measureStart < TIME_BUDGET_MS) {
        served = null;
        let t = performance.now();
        await gql();
        r.push(performance.now() - t);
        if (!served) throw new Error("the api's server did not see the request");
        g.push(await served);
        t = performance.now();
        await sql();
        d.push(performance.now() - t);
      }
      const gs = stats(g);
      const rs = stats(r);
      const ds_ = stats(d);
      const count = sample.shown;
      console.log(
        `${name.padEnd(48)}${ms(gs.p50).padStart(11)}${ms(gs.p95)}${ms(rs.p95).padStart(15)}${ms(ds_.p50).padStart(9)}${ms(ds_.p95)}${(gs.p95 / ds_.p95).toFixed(2).padStart(7)}  ${count}`,
      );
      results.push({
        variant: name,
        graphql: gs,
        roundTrip: rs,
        directSql: ds_,
        p95Ratio: gs.p95 / ds_.p95,
        statements: statements.length,
        rows: sample.rows,
        count,
      });
    }
    if (EXPLAIN) return;
    const of = (pick: (name: string) => boolean) => results.filter((r) => pick(r.variant as string));
    const worst = (rs: typeof results) => Math.max(...rs.map((r) => (r.graphql as { p95: number }).p95));
    const worstRatio = (rs: typeof results) => Math.max(...rs.map((r) => r.p95Ratio as number));
    const lists = of((n) => !isCounts(n));
    const tabs = of(isCounts);
    if (lists.length)
      console.log(
        `\nthe list: worst server-side GraphQL p95 ${worst(lists).toFixed(2)} ms (target ≤ ${TARGET_P95_MS}), worst p95 ratio to the same SQL ${worstRatio(lists).toFixed(2)} (target ≤ 2)`,
      );
    if (tabs.length)
      console.log(
        `the tab counts (four capped counts in one request, beside the list): worst server-side p95 ${worst(tabs).toFixed(2)} ms, worst ratio ${worstRatio(tabs).toFixed(2)}`,
      );
    const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results", `api-${Date.now()}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
      out,
      `${JSON.stringify({ bench: "api", issues: ISSUES, loadSeconds, triaged: TRIAGED, pending, cpus: os.cpus().length, results }, null, 2)}\n`,
    );
    console.log(`written to ${path.relative(process.cwd(), out)}`);
  } finally {
    await direct.end().catch(() => undefined);
    await server?.close();
    await pubSub?.close();
    if (ds.isInitialized) await ds.destroy();
    await embedded.stop();
    if (!DATA_DIR) fs.rmSync(dir, { recursive: true, force: true });
  }
};

await main();
