/** TypeORM answers a raw UPDATE/DELETE … RETURNING with `[rows, count]` and a SELECT or INSERT with rows. */
export const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
