export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export {
  captureStatements,
  explainPlan,
  fullScans,
  fullScansOf,
  type PlanNode,
  type SentStatement,
  seqScans,
} from "./plans.ts";
