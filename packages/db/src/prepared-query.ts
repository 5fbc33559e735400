// Issue 14.4: the fixed statements every request runs (who the session is, the viewer's role on the
// project, a loader's rows by key) as named prepared statements. PostgreSQL then parses each once per
// connection and, after its fifth run, may keep one plan instead of planning it again. At 1M issues the
// viewer's role (a recursive query over groups) took 0.78 ms unprepared and 0.08 ms prepared; the session
// 0.16 → 0.07 ms. Only for statements whose plan cannot depend on the values (lookups by key on small or
// unique indexes): a list's query, whose best plan depends on its filter's statistics, stays planned per run.
// And only for fixed texts (values as parameters): each distinct text stays prepared on every connection of
// the pool for the connection's life.
import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { QueryFailedError, QueryRunnerProviderAlreadyReleasedError } from "typeorm";

type Rows = { rows: Record<string, unknown>[] };
type Queryable = { query(config: { name: string; text: string; values: unknown[] }): Promise<Rows> };

const names = new Map<string, string>();

/**
 * The name a statement is prepared under: a digest of its text, so two texts never share a name (pg refuses
 * one name for two texts on a connection) and a text has the same name on every connection.
 */
export const preparedStatementName = (sql: string): string => {
  let name = names.get(sql);
  if (!name) {
    name = `tidings_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
};

/** Was this text run by `preparedQuery` in this process (the benchmark replays it the same way)? */
export const isPreparedStatement = (sql: string): boolean => names.has(sql);

/**
 * `db.query(sql, params)` as a named prepared statement: on the transaction's connection when `db` is a
 * transaction's manager, else on one of the pool's. Logged and failing as TypeORM's own query does (its
 * logger, QueryFailedError), so callers and logs cannot tell the two apart.
 */
export const preparedQuery = async <T = Record<string, unknown>>(
  db: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> => {
  const runner = db.queryRunner;
  if (runner?.isReleased) throw new QueryRunnerProviderAlreadyReleasedError();
  const logger = db.connection.logger;
  logger.logQuery(sql, params, runner);
  const config = { name: preparedStatementName(sql), text: sql, values: params };
  try {
    const target: Queryable = runner
      ? await runner.connect()
      : (db.connection.driver as unknown as { master: Queryable }).master;
    const result = await target.query(config);
    return result.rows as T[];
  } catch (err) {
    logger.logQueryError(err as Error, sql, params, runner);
    throw new QueryFailedError(sql, params, err as Error);
  }
};
