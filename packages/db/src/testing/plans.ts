// Test helpers: what PostgreSQL plans to do with a statement, and which statements code sends. A cost
// that grows with the data (a table read from end to end on every batch, every sweep, every list) does not
// show on a test's ten rows: its plan does, once the tables hold enough rows for the planner to care.
import type { DataSource, EntityManager } from "typeorm";

export type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  /** With EXPLAIN (ANALYZE, BUFFERS): the pages the node and its children read, cached or not. */
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  Plans?: PlanNode[];
};

/** The pages a node of an EXPLAIN (ANALYZE, BUFFERS) plan read, cached or not. */
export const pagesOf = (node: PlanNode) => (node["Shared Hit Blocks"] ?? 0) + (node["Shared Read Blocks"] ?? 0);

/** The plan PostgreSQL would use for the statement with these values (EXPLAIN: nothing is executed). */
export const explainPlan = async (db: DataSource | EntityManager, sql: string, params: unknown[] = []) => {
  const [row] = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return (row["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan;
};

/**
 * The relations a plan reads from end to end: sequentially, or (unless `walks` is false) along a whole index
 * it has no condition for (`ORDER BY id LIMIT 1` walking the primary key until a row passes a filter). A partial
 * index (`partial`, by name) holds only the rows its predicate names, so reading all of it is no walk.
 */
export const fullScans = (node: PlanNode, opts: { walks?: boolean; partial?: ReadonlySet<string> } = {}): string[] => [
  ...(node["Node Type"] === "Seq Scan" ||
  (opts.walks !== false &&
    /^Index (Only )?Scan$/.test(node["Node Type"]) &&
    !node["Index Cond"] &&
    !opts.partial?.has(node["Index Name"] ?? ""))
    ? [node["Relation Name"] ?? "?"]
    : []),
  ...(node.Plans ?? []).flatMap((child) => fullScans(child, opts)),
];

/** The relations a plan reads sequentially, from end to end. */
export const seqScans = (node: PlanNode): string[] => fullScans(node, { walks: false });

export type SentStatement = { sql: string; params: unknown[] };

/**
 * Waits until every transaction and snapshot of the cluster began after now, so that the row versions
 * changed before are dead to everyone: only then does an index scan mark the dead entries it meets, and a
 * test of what the next scan reads is deterministic. PostgreSQL judges that by the oldest snapshot of any
 * database (another test file's long INSERT is enough to hold it back). A barrier, not a sleep: it returns
 * as soon as PostgreSQL says so.
 */
export const untilEarlierTransactionsEnd = async (db: DataSource | EntityManager, timeoutMs = 60_000) => {
  const [{ now }] = await db.query("SELECT (txid_current() % 4294967296)::text AS now");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ holding }] = await db.query(
      `SELECT count(*)::int AS holding FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND (age(backend_xmin) >= age($1::xid) OR age(backend_xid) >= age($1::xid))`,
      [now],
    );
    if (holding === 0) return;
    if (Date.now() > deadline) throw new Error(`${holding} transactions older than ${timeoutMs} ms still run`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * The pages a statement reads when run (EXPLAIN ANALYZE: it is executed, so only for statements that
 * change nothing in the state they are run in), from the buffer cache or not.
 */
export const pagesRead = async (db: DataSource | EntityManager, statement: SentStatement): Promise<number> => {
  const [row] = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`, statement.params);
  return pagesOf((row["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan);
};

/** Every statement `work` sends through the data source (its transactions' included), in order. */
export const captureStatements = async <T>(
  ds: DataSource,
  work: () => Promise<T>,
): Promise<{ result: T; statements: SentStatement[] }> => {
  const statements: SentStatement[] = [];
  const logger = ds.logger;
  const original = logger.logQuery;
  logger.logQuery = (sql, params) => {
    statements.push({ sql, params: Array.isArray(params) ? params : [] });
  };
  try {
    return { result: await work(), statements };
  } finally {
    logger.logQuery = original;
  }
};

/** Statements that read or write rows (not BEGIN, COMMIT, SET…): the ones with a plan. */
const PLANNED = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

/**
 * The statements among `statements` whose plan reads one of `tables` from end to end (fullScans), each as
 * "table: statement" (EXPLAIN with the values each was sent with: nothing is executed). Without `walks`,
 * only sequential scans count: with statistics, the planner may rightly walk an index in order when it
 * expects a match within a few rows.
 */
export const fullScansOf = async (
  ds: DataSource,
  statements: SentStatement[],
  tables: readonly string[],
  opts: { walks?: boolean } = {},
): Promise<string[]> => {
  const partialIndexes: { name: string }[] = await ds.query(
    "SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indpred IS NOT NULL",
  );
  const partial = new Set(partialIndexes.map((r) => r.name.replace(/^"|"$/g, "")));
  const found = new Set<string>();
  for (const s of statements.filter((s) => PLANNED.test(s.sql))) {
    for (const table of fullScans(await explainPlan(ds, s.sql, s.params), { ...opts, partial })) {
      if (tables.includes(table)) found.add(`${table}: ${s.sql.replace(/\s+/g, " ").trim().slice(0, 160)}`);
    }
  }
  return [...found];
};

/**
 * A poll run after a burst left dead row versions in `table` (a flood test): what it returned, the tables its
 * statements read from end to end (fullScansOf), the table's pages, and the pages its first statement reads
 * on a second run once every earlier transaction has ended (the first run marks the dead versions it meets).
 * That statement is run again: only for a poll that changes nothing in the state it is run in.
 */
export const pollAfterBurst = async <T>(ds: DataSource, table: string, poll: () => Promise<T>) => {
  const { result, statements } = await captureStatements(ds, poll);
  const scans = await fullScansOf(ds, statements, [table]);
  const [{ pages }] = await ds.query("SELECT relpages AS pages FROM pg_class WHERE oid = $1::regclass", [table]);
  await untilEarlierTransactionsEnd(ds);
  await pagesRead(ds, statements[0]);
  return { result, fullScans: scans, tablePages: pages as number, read: await pagesRead(ds, statements[0]) };
};
