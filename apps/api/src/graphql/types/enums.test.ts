// The GraphQL enum of quarantine statuses is a copy of the ledger's QUARANTINE_STATUSES: held equal here.
import { QUARANTINE_STATUSES } from "@tidings/db";
import { expect, it } from "vitest";
import { QuarantineStatus } from "./enums.ts";

it("offers exactly the quarantine's statuses", () => {
  expect(Object.values(QuarantineStatus).sort()).toEqual([...QUARANTINE_STATUSES].sort());
});
