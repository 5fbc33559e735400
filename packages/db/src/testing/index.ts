export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export {
  captureStatements,
  explainPlan,
  fullScans,
  fullScansOf,
  pagesOf,
  pagesRead,
  pagesReadOnceMarked,
  type PlanNode,
  type SentStatement,
  seqScans,
  untilEarlierTransactionsEnd,
} from "./plans.ts";
