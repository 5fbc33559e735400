// The client every Tidings pool uses (data-source.ts, through fresh-plans.ts): pg's promise form, answered
// through pg's callback form, against real PostgreSQL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallbackQueryClient } from "./callback-query-client.ts";
import { promotedByScavenges } from "./testing/gc.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4, Client: CallbackQueryClient });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("CallbackQueryClient", () => {
  it("answers each form of query as pg does: promise (text, config, named), callback, submittable", async () => {
    const c = await pool.connect();
    try {
      const text = "SELECT $1::int + 1 AS n, now() AS at";
      expect((await c.query(text, [1])).rows[0].n).toBe(2);
      expect((await c.query("SELECT 'x' AS s")).rows).toEqual([{ s: "x" }]);
      const named = { name: "cqc_plus", text, values: [41] };
      expect((await c.query(named)).rows[0]).toMatchObject({ n: 42 });
      expect((await c.query(named)).rows[0].at).toBeInstanceOf(Date);
      expect(Object.keys(named)).toEqual(["name", "text", "values"]); // the caller's config is left as it was
      const viaCallback = await new Promise<pg.QueryResult>((resolve, reject) =>
        c.query(text, [2], (err, r) => (err ? reject(err) : resolve(r))),
      );
      expect(viaCallback.rows[0].n).toBe(3);
      const viaConfigCallback = await new Promise<pg.QueryResult>((resolve, reject) =>
        c.query({
          text,
          values: [3],
          callback: (err: Error | null, r: pg.QueryResult) => (err ? reject(err) : resolve(r)),
        } as never),
      );
      expect(viaConfigCallback.rows[0].n).toBe(4);
      const submitted = c.query(new pg.Query("SELECT 7 AS n"));
      const rows = await new Promise((resolve, reject) => {
        submitted.on("end", (r: pg.QueryResult) => resolve(r.rows));
        submitted.on("error", reject);
      });
      expect(rows).toEqual([{ n: 7 }]);
    } finally {
      c.release();
    }
  });

  it("rejects as pg does, with PostgreSQL's error and a stack that leads back to the caller", async () => {
    const failing = async () => pool.query("SELECT * FROM no_such_table");
    const err = (await failing().catch((e: unknown) => e)) as Error & { code?: string };
    expect(err).toBeInstanceOf(Error);
    expect([err.code, err.message]).toEqual(["42P01", 'relation "no_such_table" does not exist']);
    const c = await pool.connect();
    try {
      const direct = (await c.query("SELECT 1/0").catch((e: unknown) => e)) as Error & { code?: string };
      expect(direct.code).toBe("22012");
      // Captured where the promise settled, so it shows the awaiting test, not pg's socket read.
      expect(direct.stack).toContain("callback-query-client.int.test");
      expect(direct.stack).not.toContain("onStreamRead");
    } finally {
      c.release();
    }
  });

  // Issue 14.4: through pg's promise form, what sequential queries returned survived V8's young-generation
  // collections and was promoted: 11–12 MB per 10,000 five-row queries with plain pg.Client here, 1.4 MB
  // with this client. The api's TypeORM queries promoted 8.6 % of what they allocated, with 10 ms scavenges.
  it("leaves little of finished promise-form queries to be promoted by young-generation collections", async () => {
    await pool.query(
      "CREATE TABLE cqc_rows AS SELECT g AS id, 'title ' || g AS title, now() AS at FROM generate_series(1, 50) g",
    );
    const once = async () => {
      const c = await pool.connect();
      try {
        return (await c.query("SELECT id, title, at FROM cqc_rows WHERE id = ANY($1)", [[1, 2, 3, 4, 5]])).rows;
      } finally {
        c.release();
      }
    };
    for (let i = 0; i < 500; i++) await once();
    const { promoted } = await promotedByScavenges(async () => {
      for (let i = 0; i < 10_000; i++) await once();
    });
    expect(promoted).toBeLessThan(5_000_000);
  });
});
