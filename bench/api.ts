// Benchmark: latency of the Service Desk issue list query (50 issues, filters on) over GraphQL on a
// project with 100,000 issues, next to the very same SQL statements run directly on one pg connection,
// measured in the same run, interleaved. Embedded PostgreSQL (durable, fsync on) in a temp dir.
//
//   node --import tsx bench/api.ts [issues = 100000] [samples per variant = 300]
//
// The SQL baseline replays the statements the api ran for one request (captured from TypeORM's
// logger: session lookup, abilities, page, count and the DataLoader batches), so the difference is
// GraphQL + Express + TypeORM + JSON. Sequential requests (latency, not throughput); bounded to ~90 s.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@tidings/config";
import { createLogger, mailSettingsFromConfig, seedDemo } from "@tidings/core";
import { connectAndMigrate, createDataSource, startEmbeddedPostgres } from "@tidings/db";
import pg from "pg";
import type { Logger as TypeOrmLogger } from "typeorm";
import { createPgPubSub } from "../apps/api/src/graphql/pubsub.ts";
import { buildApiSchema } from "../apps/api/src/graphql/schema.ts";
import { createServer } from "../apps/api/src/server.ts";

const ISSUES = Math.min(200_000, Number(process.argv[2] ?? 100_000));
const SAMPLES = Math.min(1_000, Number(process.argv[3] ?? 300));
/** Measurement time per query (after the load and warm-up), so the run stays bounded. */
const TIME_BUDGET_MS = 40_000;
const EXPLAIN = process.argv.includes("--explain");
const PASSWORD = "bench-password-123";

const QUERIES = {
  "Service Desk list (author support-bot, opened, label, 50, CREATED_DESC)": `{
    project(fullPath: "demo/app") {
      issues(authorUsername: "support-bot", state: opened, labelName: ["bug"], first: 50, sort: CREATED_DESC) {
        count
        nodes { id iid title state confidential createdAt updatedAt author { username } externalAuthor
                labels { nodes { title } } assignees { nodes { username } } webUrl }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`,
  'Service Desk list + full-text search "printer" (50, UPDATED_DESC)': `{
    project(fullPath: "demo/app") {
      issues(authorUsername: "support-bot", state: opened, search: "printer", first: 50, sort: UPDATED_DESC) {
        count
        nodes { id iid title state confidential createdAt updatedAt author { username } externalAuthor
                labels { nodes { title } } assignees { nodes { username } } webUrl }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`,
};

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), mean: s.reduce((a, b) => a + b, 0) / s.length };
};
const ms = (n: number) => n.toFixed(2).padStart(8);

const main = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-bench-api-"));
  const embedded = await startEmbeddedPostgres({ dataDir: dir });
  const ds = createDataSource({ url: embedded.url, poolSize: 10, applicationName: "tidings-bench-api" });
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  let pubSub: Awaited<ReturnType<typeof createPgPubSub>> | undefined;
  const direct = new pg.Client({ connectionString: embedded.url });
  try {
    await connectAndMigrate(ds);
    await ds.transaction((m) => seedDemo(m, { password: PASSWORD }));
    const t0 = Date.now();
    await ds.transaction(async (m) => {
      const [{ id: projectId }] = await m.query("SELECT id FROM projects WHERE full_path = 'demo/app'");
      const [{ id: bot }] = await m.query("SELECT id FROM users WHERE username = 'support-bot'");
      const [{ id: dev }] = await m.query("SELECT id FROM users WHERE username = 'developer'");
      await m.query(
        `INSERT INTO issues (project_id, iid, title, description, state, confidential, author_id, external_author, created_at, updated_at)
         SELECT $1, g,
                'Ticket ' || g || ': ' || (ARRAY['printer on fire','cannot log in','invoice missing','refund please','app crashes'])[1 + g % 5],
                'Hello, something about ' || (ARRAY['printers','login','invoices','refunds','crashes'])[1 + g % 5] || ' happened. Order ' || (g * 7919 % 100000),
                CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'opened' END,
                g % 3 = 0,
                CASE WHEN g % 10 < 8 THEN $2::int ELSE $3::int END,
                'customer' || (g % 5000) || '@example.net',
                now() - make_interval(secs => $4 - g),
                now() - make_interval(secs => (g * 7919) % $4)
         FROM generate_series(1, $4) AS g`,
        [projectId, bot, dev, ISSUES],
      );
      await m.query("UPDATE projects SET last_issue_iid = $2 WHERE id = $1", [projectId, ISSUES]);
      await m.query(
        "INSERT INTO labels (project_id, title) SELECT $1, t FROM unnest(ARRAY['bug','billing','urgent','feature']) t",
        [projectId],
      );
      // Every 5th issue is a bug, every 7th billing; every 4th assigned to developer.
      await m.query(
        `INSERT INTO issue_labels (issue_id, label_id)
         SELECT i.id, l.id FROM issues i JOIN labels l ON l.project_id = i.project_id
         WHERE i.project_id = $1 AND ((l.title = 'bug' AND i.iid % 5 = 0) OR (l.title = 'billing' AND i.iid % 7 = 0))`,
        [projectId],
      );
      await m.query(
        "INSERT INTO issue_assignees (issue_id, user_id) SELECT id, $2 FROM issues WHERE project_id = $1 AND iid % 4 = 0",
        [projectId, dev],
      );
    });
    await ds.query("VACUUM ANALYZE");
    const loadSeconds = (Date.now() - t0) / 1000;

    const config = loadConfig({ DATABASE_URL: embedded.url, LOG_LEVEL: "silent", PORT: "0" });
    const log = createLogger("silent");
    pubSub = await createPgPubSub(embedded.url, log);
    server = await createServer(
      { config, dataSource: ds, log, pubSub, mail: mailSettingsFromConfig(config) },
      { schema: await buildApiSchema(pubSub), webDist: null },
    );
    const port = await server.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}`;
    const signIn = await fetch(`${url}/auth/sign_in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "reporter", password: PASSWORD }),
    });
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];

    // Capture the statements one request runs.
    let capture: { sql: string; params: unknown[] }[] | null = null;
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
      `\nTidings api benchmark: ${ISSUES.toLocaleString("en")} issues in demo/app (loaded in ${loadSeconds.toFixed(1)} s), viewer: reporter, ${SAMPLES} samples per variant, interleaved\n`,
    );
    console.log(`${"variant".padEnd(78)}${"p50 ms".padStart(8)}${"p95 ms".padStart(8)}${"mean ms".padStart(8)}  n`);
    for (const [name, query] of Object.entries(QUERIES)) {
      const gql = async () => {
        const res = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify({ query }),
        });
        const body = (await res.json()) as {
          errors?: unknown;
          data?: { project: { issues: { count: number; nodes: unknown[] } } };
        };
        if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
        return body.data.project.issues;
      };
      capture = [];
      const sample = await gql();
      const statements = capture;
      capture = null;
      const sql = async () => {
        for (const s of statements) await direct.query(s.sql, s.params as unknown[]);
      };
      for (let i = 0; i < 20; i++) {
        await gql();
        await sql();
      }
      const g: number[] = [];
      const d: number[] = [];
      const pageOnly: number[] = [];
      const page = statements.find((s) => /SELECT i\.id, i\.\w+::text AS sort_value/.test(s.sql));
      const count = statements.find((s) => s.sql.startsWith("SELECT count(*)::int AS count FROM issues i"));
      if (EXPLAIN) {
        for (const s of [page, count]) {
          if (!s) continue;
          const plan = await direct.query(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.params as unknown[]);
          console.log(plan.rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n"));
        }
      }
      const measureStart = Date.now();
      while (g.length < SAMPLES && Date.now() - measureStart < TIME_BUDGET_MS) {
        for (let i = 0; i < 10; i++) {
          let t = performance.now();
          await gql();
          g.push(performance.now() - t);
          t = performance.now();
          await sql();
          d.push(performance.now() - t);
          if (page && count) {
            t = performance.now();
            await direct.query(page.sql, page.params as unknown[]);
            await direct.query(count.sql, count.params as unknown[]);
            pageOnly.push(performance.now() - t);
          }
        }
      }
      const rows = [
        [`${name} — GraphQL over HTTP`, stats(g)],
        [`  same ${statements.length} SQL statements run directly (pg, one connection)`, stats(d)],
        ["  of which the page + count statements only", stats(pageOnly)],
      ] as const;
      for (const [label, s] of rows) console.log(`${label.padEnd(78)}${ms(s.p50)}${ms(s.p95)}${ms(s.mean)}  ${s.n}`);
      console.log(`  (${sample.nodes.length} issues on the page, count ${sample.count.toLocaleString("en")})`);
      results.push({
        query: name,
        graphql: stats(g),
        directSql: stats(d),
        pageAndCount: stats(pageOnly),
        statements: statements.length,
      });
    }
    console.log(`\n${JSON.stringify({ bench: "api", issues: ISSUES, results })}`);
  } finally {
    await direct.end().catch(() => undefined);
    await server?.close();
    await pubSub?.close();
    if (ds.isInitialized) await ds.destroy();
    await embedded.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

await main();
