import { describe, expect, it } from "vitest";
import { fullScans, type PlanNode, seqScans } from "./plans.ts";

const node = (type: string, extra: Partial<PlanNode> = {}, ...children: PlanNode[]): PlanNode => ({
  "Node Type": type,
  ...extra,
  ...(children.length ? { Plans: children } : {}),
});

describe("reading a plan for scans of whole tables", () => {
  const plan = node(
    "Limit",
    {},
    node(
      "Nested Loop",
      {},
      node("Seq Scan", { "Relation Name": "small" }),
      node("Index Scan", { "Relation Name": "ledger", "Index Name": "ledger_pkey" }),
      node("Index Scan", { "Relation Name": "issues", "Index Name": "issues_by_key", "Index Cond": "(key = $1)" }),
      node("Index Only Scan", { "Relation Name": "outbox", "Index Name": "outbox_pending" }),
    ),
  );

  it("finds sequential scans at any depth", () => {
    expect(seqScans(plan)).toEqual(["small"]);
  });

  it("counts an index read without a condition as a walk of the whole table, unless the index is partial", () => {
    expect(fullScans(plan)).toEqual(["small", "ledger", "outbox"]);
    expect(fullScans(plan, { partial: new Set(["outbox_pending"]) })).toEqual(["small", "ledger"]);
  });

  it("counts only sequential scans when walks are allowed (the planner expects to stop early)", () => {
    expect(fullScans(plan, { walks: false })).toEqual(["small"]);
  });
});
