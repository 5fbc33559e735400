// A live event can arrive while its list or thread is being fetched again: Apollo then hands the update no
// data, or the partial data its cache holds (with `complete: false`). The update must leave it alone —
// neither throw (a page error the responder would see) nor write the partial data back (Apollo then logs
// "Missing field" for every field the cache lacks).
import { expect, it } from "vitest";
import { withNote } from "../thread/ThreadScene.tsx";
import { applyLiveIssue, concernsList } from "./IssuesScene.tsx";
import { readFilters } from "./filters.ts";

it("leaves a list or a thread that is not in the cache alone", () => {
  const filters = readFilters(new URLSearchParams());
  const issue = { id: "gid://tidings/Issue/1" } as Parameters<typeof applyLiveIssue>[1];
  expect(applyLiveIssue(undefined, issue, filters)).toBeUndefined();
  expect(applyLiveIssue(null, issue, filters)).toBeUndefined();
  const note = { id: "gid://tidings/Note/1" } as Parameters<typeof withNote>[1];
  expect(withNote(undefined, note)).toBeUndefined();
});

it("writes nothing back from a list or thread the cache holds only partly, or that the event does not change", () => {
  const filters = readFilters(new URLSearchParams());
  // A closed issue: the default list (open tickets) neither holds nor wants it.
  const issue = { id: "gid://tidings/Issue/1", state: "closed", labels: { nodes: [] }, assignees: { nodes: [] } };
  // What the cache holds of the project while a new search is fetched: the navigation's fields only.
  const partial = { project: { id: "gid://tidings/Project/1", fullPath: "demo/app", name: "App" } };
  const live = issue as unknown as Parameters<typeof applyLiveIssue>[1];
  expect(applyLiveIssue(partial as Parameters<typeof applyLiveIssue>[0], live, filters)).toBeUndefined();
  const page = {
    project: { ...partial.project, issues: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } },
  } as unknown as Parameters<typeof applyLiveIssue>[0];
  expect(applyLiveIssue(page, live, filters, false)).toBeUndefined();
  expect(applyLiveIssue(page, live, filters)).toBeUndefined();
  // The same list and an open issue: written, with the issue on top.
  const open = { ...issue, state: "opened", author: { username: "support-bot" } } as unknown as typeof live;
  expect(applyLiveIssue(page, open, filters)?.project?.issues.nodes).toEqual([open]);
  const note = { id: "gid://tidings/Note/1" } as Parameters<typeof withNote>[1];
  const thread = { project: { id: "gid://tidings/Project/1" } } as Parameters<typeof withNote>[0];
  expect(withNote(thread, note)).toBeUndefined();
});

it("counts a live issue as the list's business when it fits the filters or is on the list", () => {
  const filters = readFilters(new URLSearchParams()); // open tickets
  const open = {
    id: "gid://tidings/Issue/1",
    state: "opened",
    author: { username: "support-bot" },
    labels: { nodes: [] },
    assignees: { nodes: [] },
  };
  const closedElsewhere = { ...open, id: "gid://tidings/Issue/2", state: "closed" };
  const closedHere = { ...open, id: "gid://tidings/Issue/3", state: "closed" };
  const page = {
    project: {
      id: "gid://tidings/Project/1",
      issues: { nodes: [{ id: closedHere.id }], pageInfo: { hasNextPage: false, endCursor: null } },
    },
  } as unknown as Parameters<typeof concernsList>[0];
  const live = (x: object) => x as Parameters<typeof concernsList>[1];
  expect(concernsList(page, live(open), filters)).toBe(true);
  expect(concernsList(page, live(closedHere), filters)).toBe(true); // it leaves the list
  expect(concernsList(page, live(closedElsewhere), filters)).toBe(false);
  // A list held only partly (it is being fetched) cannot tell.
  expect(concernsList(page, live(closedElsewhere), filters, false)).toBe(true);
  expect(concernsList(undefined, live(closedElsewhere), filters)).toBe(true);
});
