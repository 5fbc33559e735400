export { keptByAMinorGc, promotedByScavenges } from "./gc.ts";
export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export {
  captureStatements,
  explainPlan,
  fullScans,
  fullScansOf,
  pagesOf,
  pagesRead,
  type PlanNode,
  pollAfterBurst,
  type SentStatement,
  seqScans,
  untilEarlierTransactionsEnd,
} from "./plans.ts";
