export * from "./entities/index.ts";
export {
  connectAndMigrate,
  createDataSource,
  type CreateDataSourceOptions,
  SESSION_OPTIONS,
} from "./data-source.ts";
export {
  type EmbeddedDatabase,
  embeddedOptionsFrom,
  freePort,
  runningEmbeddedUrl,
  startEmbeddedPostgres,
} from "./embedded.ts";
export { insertRows, type InsertRowsOptions } from "./insert-rows.ts";
export { isPreparedStatement, preparedQuery, preparedStatementName } from "./prepared-query.ts";
export { rowsOf } from "./rows.ts";
export { selectRowsIn } from "./select-rows.ts";
export { SnakeNamingStrategy } from "./naming-strategy.ts";
export { type Listener, type ListenerLog, type ListenerOptions, startListener } from "./listener.ts";
export type { DataSource, EntityManager } from "typeorm";
export {
  BACKFILL_ISSUE_NOTE_VECTORS,
  SEARCH_CONFIG,
  SEARCH_WORDS_CONFIG,
} from "./migrations/1765001301000-search-that-finds.ts";
export { SEARCH_VECTOR_HEAD_CHARS } from "./migrations/1765001301500-search-head-1k.ts";
export { ISSUE_NOTE_VECTOR_LEXEMES } from "./migrations/1765001302500-comment-vectors-bound.ts";
export { LABELLED_WALK_COLUMNS } from "./migrations/1765001302600-labelled-list-walk.ts";
