export * from "./entities/index.ts";
export { connectAndMigrate, createDataSource, type CreateDataSourceOptions } from "./data-source.ts";
export { freePort, runningEmbeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded.ts";
export { rowsOf } from "./rows.ts";
export { SnakeNamingStrategy } from "./naming-strategy.ts";
export { type Listener, type ListenerLog, type ListenerOptions, startListener } from "./listener.ts";
export type { DataSource, EntityManager } from "typeorm";
