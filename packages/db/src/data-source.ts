import "reflect-metadata";
import { DataSource } from "typeorm";
import { ENTITIES } from "./entities/index.ts";
import { freshPlansClient, PLAN_LIFE_MS } from "./fresh-plans.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { SnakeNamingStrategy } from "./naming-strategy.ts";

export type CreateDataSourceOptions = {
  url: string;
  /** Pool size; the api and worker each keep their own pool. */
  poolSize?: number;
  applicationName?: string;
  /** How long a session keeps PostgreSQL's cached plans at most (fresh-plans.ts); tests change it. */
  planLifeMs?: number;
};

/**
 * Settings of every session Tidings opens (the `options` startup parameter, so they hold for any
 * PostgreSQL, embedded or not). No parallel workers per query (issue 14.4): Tidings runs many short
 * queries at once, and at 1M issues on 2 cores the workers' start-up made lists slower, never faster —
 * the rare-label list 180 → 49 ms p95, every other list the same or better (bench/api.ts, same run).
 */
export const SESSION_OPTIONS = "-c max_parallel_workers_per_gather=0";

/** Never synchronizes: the schema comes only from the checked-in migrations. */
export const createDataSource = ({
  url,
  poolSize = 10,
  applicationName = "tidings",
  planLifeMs = PLAN_LIFE_MS,
}: CreateDataSourceOptions) =>
  new DataSource({
    type: "postgres",
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: "schema_migrations",
    migrationsTransactionMode: "each",
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false,
    poolSize,
    applicationName,
    extra: { max: poolSize, options: SESSION_OPTIONS, Client: freshPlansClient(planLifeMs) },
  });

/** Initialises the data source and applies pending migrations. Returns the names applied. */
export const connectAndMigrate = async (ds: DataSource): Promise<string[]> => {
  if (!ds.isInitialized) await ds.initialize();
  // Several processes may start at once (api, worker, a second node): one migrates, the others wait.
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock(hashtext('tidings.migrations'))");
    const applied = await ds.runMigrations({ transaction: "each" });
    return applied.map((m) => m.name);
  } finally {
    await runner.query("SELECT pg_advisory_unlock(hashtext('tidings.migrations'))").catch(() => undefined);
    await runner.release();
  }
};
