import { describe, expect, it } from "vitest";
import { filterVariables, matchesFilters, readFilters, writeFilters } from "./filters.ts";

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
