export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export {
  captureStatements,
  explainPlan,
  fullScans,
  fullScansOf,
  pagesRead,
  type PlanNode,
  type SentStatement,
  seqScans,
  untilEarlierTransactionsEnd,
} from "./plans.ts";
