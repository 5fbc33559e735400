export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export {
  captureStatements,
  explainPlan,
  fullScans,
  fullScansOf,
  pagesRead,
  pagesReadOnceMarked,
  type PlanNode,
  type SentStatement,
  seqScans,
  untilEarlierTransactionsEnd,
} from "./plans.ts";
