import { describe, expect, it } from "vitest";
import {
  filterVariables,
  formatIssueCount,
  matchesFilters,
  readFilters,
  toViewFilters,
  viewParams,
  writeFilters,
} from "./filters.ts";

const issue = {
  state: "opened",
  title: "Printer on fire",
  externalAuthor: "jane@customer.example",
  author: { username: "support-bot" },
  labels: { nodes: [{ title: "urgent" }] },
  assignees: { nodes: [{ username: "developer" }] },
};

describe("issue filters", () => {
  it("round-trips through the URL when every filter is set", () => {
    const params = new URLSearchParams(
      "tab=all&state=closed&search=fire&label=a&label=b&assignee=dev&author=bob&sort=UPDATED_ASC",
    );
    expect(writeFilters(readFilters(params)).toString()).toBe(params.toString());
  });

  it("defaults to open Service Desk issues when the URL is empty", () => {
    const filters = readFilters(new URLSearchParams(""));
    expect(filters).toMatchObject({ tab: "service_desk", state: "opened", sort: "CREATED_DESC" });
    expect(filterVariables(filters).authorUsername).toBe("support-bot");
    expect(writeFilters(filters).toString()).toBe("");
  });

  it("matches a live issue only when it fits the current filters", () => {
    const base = readFilters(new URLSearchParams(""));
    expect(matchesFilters(issue, base)).toBe(true);
    expect(matchesFilters(issue, { ...base, state: "closed" })).toBe(false);
    expect(matchesFilters({ ...issue, author: { username: "maintainer" } }, base)).toBe(false);
    expect(matchesFilters(issue, { ...base, search: "JANE@" })).toBe(true);
    expect(matchesFilters(issue, { ...base, labels: ["urgent", "billing"] })).toBe(false);
    expect(matchesFilters(issue, { ...base, assignee: "@developer" })).toBe(true);
  });
});

describe("issue counts", () => {
  it('shows an exact count as a number and a capped one as "1,000+" (issue 14.4)', () => {
    expect(formatIssueCount({ countCapped: 0, countIsExact: true })).toBe("0");
    expect(formatIssueCount({ countCapped: 999, countIsExact: true })).toBe("999");
    expect(formatIssueCount({ countCapped: 1000, countIsExact: true })).toBe("1,000");
    expect(formatIssueCount({ countCapped: 1000, countIsExact: false })).toBe("1,000+");
  });

  it("counts the list on screen with its state tab's count, and says nothing before the counts arrive", async () => {
    const { listCount } = await import("./IssuesHeader.tsx");
    const c = (n: number, exact = true) => ({ countCapped: n, countIsExact: exact });
    const counts = { id: "p", needsReplyCount: c(3), openedCount: c(1000, false), closedCount: c(7), allCount: c(12) };
    expect(["needs_reply", "opened", "closed", "all"].map((s) => listCount(counts, s as never))).toEqual([
      "3",
      "1,000+",
      "7",
      "12",
    ]);
    expect(listCount(undefined, "opened")).toBeNull();
  });
});

describe("waitedFor (10.1)", () => {
  it("says how long a customer has waited, in the largest sensible unit", async () => {
    const { waitedFor } = await import("./IssueRow.tsx");
    const now = Date.parse("2026-12-04T12:00:00Z");
    const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
    expect([0, 5, 59, 60, 47 * 60, 48 * 60, 10 * 1440].map((m) => waitedFor(ago(m), now))).toEqual([
      "under 1 min",
      "5 min",
      "59 min",
      "1 h",
      "47 h",
      "2 d",
      "10 d",
    ]);
  });
});

describe("saved view filters (10.3)", () => {
  it("round-trip the list's URL: a view saved from a list opens the same list", () => {
    const url =
      "tab=all&state=needs_reply&search=refund&label=billing&label=urgent&assignee=developer&author=reporter&sort=UPDATED_DESC";
    const filters = readFilters(new URLSearchParams(url));
    const saved = toViewFilters(filters);
    expect(saved).toEqual({
      tab: "all",
      state: "needs_reply",
      search: "refund",
      labelName: ["billing", "urgent"],
      assigneeUsername: "developer",
      authorUsername: "reporter",
      sort: "UPDATED_DESC",
    });
    const stored = { ...saved, labelName: saved.labelName ?? [], assigneeUsername: "developer" } as Parameters<
      typeof viewParams
    >[0];
    expect(viewParams(stored).toString()).toBe(writeFilters(filters).toString());
  });
  it("drops the author on the Service Desk tab, where the list has no author filter", () => {
    const filters = readFilters(new URLSearchParams("author=reporter"));
    expect(toViewFilters({ ...filters, author: "reporter" }).authorUsername).toBe("");
  });
});
