import "reflect-metadata";
import { DataSource } from "typeorm";
import { ENTITIES } from "./entities/index.ts";
import { MIGRATIONS } from "./migrations/index.ts";
import { SnakeNamingStrategy } from "./naming-strategy.ts";

export type CreateDataSourceOptions = {
  url: string;
  /** Pool size; the api and worker each keep their own pool. */
  poolSize?: number;
  applicationName?: string;
};

/** Never synchronizes: the schema comes only from the checked-in migrations. */
export const createDataSource = ({ url, poolSize = 10, applicationName = "tidings" }: CreateDataSourceOptions) =>
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
    extra: { max: poolSize },
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
