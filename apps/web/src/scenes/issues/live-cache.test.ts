// A live event can arrive while its list or thread is being fetched again: Apollo then hands the update no
// complete data. The update must leave it alone, not throw (a page error the responder would see).
import { expect, it } from "vitest";
import { withNote } from "../thread/ThreadScene.tsx";
import { applyLiveIssue } from "./IssuesScene.tsx";
import { readFilters } from "./filters.ts";

it("leaves a list or a thread that is not in the cache alone", () => {
  const filters = readFilters(new URLSearchParams());
  const issue = { id: "gid://tidings/Issue/1" } as Parameters<typeof applyLiveIssue>[1];
  expect(applyLiveIssue(undefined, issue, filters)).toBeUndefined();
  expect(applyLiveIssue(null, issue, filters)).toBeNull();
  const note = { id: "gid://tidings/Note/1" } as Parameters<typeof withNote>[1];
  expect(withNote(undefined, note)).toBeUndefined();
});
