// preparedQuery against real PostgreSQL: the same rows as TypeORM's query, prepared under one name per text
// on the connection that ran it (a transaction's own), logged and failing as TypeORM's query does.
import { QueryFailedError, QueryRunnerProviderAlreadyReleasedError } from "typeorm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { UserEntity } from "./entities/index.ts";
import { isPreparedStatement, preparedQuery, preparedStatementName } from "./prepared-query.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const m = db.dataSource.manager;
  await m.save(m.create(UserEntity, { username: "ana", name: "Ana", email: "ana@example.test" }));
  await m.save(m.create(UserEntity, { username: "bo", name: "Bo", email: "bo@example.test", admin: true }));
});
afterAll(async () => db?.drop());

const USERS = `SELECT id, username, admin, created_at, ARRAY[id, id] AS pair, json_build_object('u', username) AS doc
               FROM users WHERE username = ANY($1::text[]) ORDER BY id`;

it("returns what TypeORM's query returns (types: dates, arrays, JSON, booleans)", async () => {
  const m = db.dataSource.manager;
  const params = [["ana", "bo", "nobody"]];
  const prepared = await preparedQuery(m, USERS, params);
  expect(prepared).toHaveLength(2);
  expect(prepared).toEqual(await m.query(USERS, params));
  expect(prepared[0].created_at).toBeInstanceOf(Date);
  expect(prepared[1]).toMatchObject({ username: "bo", admin: true, doc: { u: "bo" } });
  // A second run on any connection of the pool: the same rows (a connection that prepared it reuses it).
  for (let i = 0; i < 12; i++) expect(await preparedQuery(m, USERS, params)).toEqual(prepared);
});

it("prepares the text under one name on the connection that runs it: a transaction's own", async () => {
  const text = "SELECT count(*)::int AS n FROM users WHERE admin = $1";
  const name = preparedStatementName(text);
  expect(name).toMatch(/^tidings_[0-9a-f]{24}$/);
  expect(preparedStatementName(`${text} `)).not.toBe(name);
  await db.dataSource
    .transaction(async (tx) => {
      const before = await tx.query("SELECT name FROM pg_prepared_statements WHERE name = $1", [name]);
      expect(before).toEqual([]);
      // Inside the transaction: it sees the transaction's own uncommitted row.
      await tx.save(tx.create(UserEntity, { username: "cy", name: "Cy", email: "cy@example.test", admin: true }));
      expect(await preparedQuery(tx, text, [true])).toEqual([{ n: 2 }]);
      const after = await tx.query("SELECT name, statement FROM pg_prepared_statements WHERE name = $1", [name]);
      expect(after).toEqual([{ name, statement: text }]);
      // TypeORM's own query prepares nothing.
      const plain = "SELECT 1 AS plain WHERE $1::int = 1";
      await tx.query(plain, [1]);
      expect(await tx.query("SELECT name FROM pg_prepared_statements WHERE statement = $1", [plain])).toEqual([]);
      throw new Error("roll back");
    })
    .catch((e) => expect((e as Error).message).toBe("roll back"));
  expect(isPreparedStatement(text)).toBe(true);
  expect(isPreparedStatement("SELECT 1 AS plain WHERE $1::int = 1")).toBe(false);
  expect(await preparedQuery(db.dataSource.manager, text, [true])).toEqual([{ n: 1 }]);
});

it("fails as TypeORM's query fails, and logs the failure", async () => {
  const m = db.dataSource.manager;
  const logged: string[] = [];
  const logger = db.dataSource.logger;
  const original = logger.logQueryError;
  logger.logQueryError = (error, query) => {
    logged.push(`${String(query)}: ${error instanceof Error ? error.message : error}`);
  };
  try {
    const bad = "SELECT id FROM users WHERE id = $1::int";
    const error = await preparedQuery(m, bad, ["not a number"]).catch((e) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(error).toMatchObject({ query: bad, parameters: ["not a number"], code: "22P02" });
    expect(logged).toEqual([`${bad}: invalid input syntax for type integer: "not a number"`]);
    // The statement is usable afterwards with good values.
    expect(await preparedQuery(m, bad, ["1"])).toEqual([{ id: 1 }]);
  } finally {
    logger.logQueryError = original;
  }
});

it("refuses a released transaction's manager, as TypeORM's query does", async () => {
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  await runner.release();
  await expect(preparedQuery(runner.manager, "SELECT 1")).rejects.toBeInstanceOf(
    QueryRunnerProviderAlreadyReleasedError,
  );
  await expect(runner.manager.query("SELECT 1")).rejects.toBeInstanceOf(QueryRunnerProviderAlreadyReleasedError);
});
