import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAndMigrate } from "./data-source.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";

describe("migrations", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => db.drop());

  const tables = async () =>
    (
      await db.dataSource.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT IN ('schema_migrations', 'typeorm_metadata') ORDER BY 1`,
      )
    ).map((r: { table_name: string }) => r.table_name);

  it("go up on an empty database and match the entities exactly", async () => {
    const applied = await connectAndMigrate(db.dataSource);
    expect(applied).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(await tables()).toContain("issues");
    // Drift: the schema builder would change nothing, so entities and migrations agree.
    const pending = await db.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("go all the way down, leaving no table behind, and up again", async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await db.dataSource.undoLastMigration({ transaction: "each" });
    expect(await tables()).toEqual([]);
    expect(await connectAndMigrate(db.dataSource)).toHaveLength(MIGRATIONS.length);
    expect(await connectAndMigrate(db.dataSource)).toEqual([]);
  });
});
