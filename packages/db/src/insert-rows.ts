// Issue 14.3: many rows of an entity in one INSERT … SELECT FROM unnest(…), one array parameter per column.
// TypeORM's insert builder writes a VALUES list of one placeholder per value and builds it through its
// metadata per row and column: ~40 µs per row on the ingest thread, where a batch inserts hundreds of
// outbox rows, reply keys and participants. Here the columns come from the same entity metadata (names,
// types, transformers), so the statement cannot drift from the entity.
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata.js";
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

export type InsertRowsOptions = {
  /** ON CONFLICT DO NOTHING (a repeated unique key is skipped, as the builder's orIgnore()). */
  ignoreConflicts?: boolean;
};

/**
 * How a column's values travel: an array parameter of `type` whose elements are read back by `read`, or,
 * for a jsonb column (`wholeJson`), the whole column as one JSON array. pg writes an array parameter as a
 * literal, escaping every element's quotes and backslashes in two copies and concatenating them: for JSON
 * values, which are full of quotes (an outbox row's `render` holds the customer's text), that was a tenth
 * of what the ingest thread allocated. One JSON.stringify of the column is one native pass.
 */
type Parameter = { type: string; read: (u: string) => string; wholeJson?: true };

const parameterOf = (db: EntityManager, column: ColumnMetadata): Parameter => {
  const type = db.connection.driver.normalizeType(column);
  // An array column (text[]): each row's array travels as JSON, since unnest would flatten an array of arrays.
  if (column.isArray) return { type: "jsonb", read: (u) => `array(SELECT jsonb_array_elements_text(${u}))::${type}[]` };
  if (type === "jsonb") return { type, read: (u) => u, wholeJson: true };
  return { type, read: (u) => u };
};

/** The unnest argument of parameter `$n`: a JSON array's elements in order, JSON null as SQL NULL (as storedValue). */
const unnestArgument = (param: Parameter, n: number) =>
  param.wholeJson
    ? `array(SELECT nullif(e, 'null'::jsonb) FROM jsonb_array_elements($${n}::jsonb) WITH ORDINALITY AS j(e, k) ORDER BY k)`
    : `$${n}::${param.type}[]`;

/** A jsonb column's values as one JSON array (the entity's transformer applied; a missing value is null). */
const wholeJsonValue = (column: ColumnMetadata, rows: { row: ObjectLiteral }[]) =>
  JSON.stringify(rows.map(({ row }) => column.getEntityValue(row, true) ?? null));

/** The value as the column stores it: the entity's transformer, then the driver's conversion (JSON, dates). */
const storedValue = (db: EntityManager, column: ColumnMetadata, row: ObjectLiteral) => {
  const value = column.getEntityValue(row, true);
  if (value === undefined || value === null) return null;
  if (column.isArray) return JSON.stringify(value);
  return db.connection.driver.preparePersistentValue(value, column);
};

/** Rows with the same given columns: each group is one statement (a column a row leaves out keeps its default). */
const byGivenColumns = <T extends ObjectLiteral>(columns: ColumnMetadata[], rows: T[]) => {
  const groups = new Map<string, { columns: ColumnMetadata[]; rows: { row: T; at: number }[] }>();
  rows.forEach((row, at) => {
    const given = columns.filter((c) => c.getEntityValue(row) !== undefined);
    const key = given.map((c) => c.propertyPath).join(",");
    const group = groups.get(key) ?? { columns: given, rows: [] };
    group.rows.push({ row, at });
    groups.set(key, group);
  });
  return [...groups.values()];
};

/**
 * Inserts `rows` of `target` and returns each row's generated id, in order (null for a row skipped by
 * `ignoreConflicts`). Columns left out of a row keep their database default.
 */
export function insertRows<T extends ObjectLiteral>(
  db: EntityManager,
  target: EntityTarget<T>,
  rows: Partial<T>[],
  opts: InsertRowsOptions & { ignoreConflicts: true },
): Promise<(number | null)[]>;
export function insertRows<T extends ObjectLiteral>(
  db: EntityManager,
  target: EntityTarget<T>,
  rows: Partial<T>[],
  opts?: InsertRowsOptions & { ignoreConflicts?: false },
): Promise<number[]>;
export async function insertRows<T extends ObjectLiteral>(
  db: EntityManager,
  target: EntityTarget<T>,
  rows: Partial<T>[],
  opts: InsertRowsOptions = {},
): Promise<(number | null)[]> {
  const meta = db.connection.getMetadata(target);
  const primary = meta.primaryColumns[0];
  const insertable = meta.columns.filter((c) => c.isInsert && !c.isGenerated && !c.generatedType && !c.isVirtual);
  const ids: (number | null)[] = rows.map(() => null);
  for (const group of byGivenColumns(insertable, rows)) {
    const params = group.columns.map((c) => parameterOf(db, c));
    const names = group.columns.map((c) => `"${c.databaseName}"`).join(", ");
    const aliases = group.columns.map((_, i) => `c${i}`);
    const sql = `INSERT INTO ${meta.tablePath
      .split(".")
      .map((p) => `"${p}"`)
      .join(".")} (${names})
      SELECT ${params.map((p, i) => p.read(`u.${aliases[i]}`)).join(", ")}
        FROM unnest(${params.map((p, i) => unnestArgument(p, i + 1)).join(", ")}) WITH ORDINALITY AS u(${aliases.join(", ")}, n)
       ORDER BY u.n
      ${opts.ignoreConflicts ? "ON CONFLICT DO NOTHING" : ""}
      RETURNING "${primary.databaseName}" AS id`;
    const values = group.columns.map((c, i) =>
      params[i].wholeJson ? wholeJsonValue(c, group.rows) : group.rows.map(({ row }) => storedValue(db, c, row)),
    );
    const inserted: { id: number }[] = await db.query(sql, values);
    if (opts.ignoreConflicts && inserted.length < group.rows.length) {
      // Which rows were skipped is not said by RETURNING: none of the callers needs the ids then.
      continue;
    }
    group.rows.forEach(({ at }, k) => {
      ids[at] = inserted[k]?.id ?? null;
    });
  }
  return ids;
}
