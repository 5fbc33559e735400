import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { gql } from "@apollo/client";
import { describe, expect, it } from "vitest";
import { createCache, cursorNodesPagination, MERGED_VALUE_TYPES, threadNotesPagination } from "./apollo-client.ts";

type Page = { nodes: { __ref: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; count: number };
const merge = cursorNodesPagination(["state"]).merge as unknown as (
  existing: Page | undefined,
  incoming: Page,
  options: { args: Record<string, unknown> | null },
) => Page;
const page = (ids: string[], end: string | null, hasNextPage = true): Page => ({
  nodes: ids.map((id) => ({ __ref: `Issue:${id}` })),
  pageInfo: { hasNextPage, endCursor: end },
  count: 5,
});

describe("cursorNodesPagination", () => {
  it("appends a page fetched with after when one is cached", () => {
    const first = page(["1", "2"], "c2");
    const next = merge(first, page(["3", "4"], "c4", false), { args: { after: "c2" } });
    expect(next.nodes.map((n) => n.__ref)).toEqual(["Issue:1", "Issue:2", "Issue:3", "Issue:4"]);
    expect(next.pageInfo).toEqual({ hasNextPage: false, endCursor: "c4" });
  });

  it("replaces the list when the first page is fetched again", () => {
    const cached = page(["1", "2", "3"], "c3");
    expect(merge(cached, page(["9"], "c9"), { args: {} }).nodes).toEqual([{ __ref: "Issue:9" }]);
  });

  it("does not duplicate an issue that moved between pages when the next page overlaps", () => {
    const merged = merge(page(["1", "2"], "c2"), page(["2", "3"], "c3"), { args: { after: "c2" } });
    expect(merged.nodes.map((n) => n.__ref)).toEqual(["Issue:1", "Issue:2", "Issue:3"]);
  });
});

const mergeNotes = threadNotesPagination.merge as unknown as typeof merge;
const notes = (ids: number[], hasNextPage = false): Page => ({
  nodes: ids.map((id) => ({ __ref: `Note:gid://tidings/Note/${id}` })),
  pageInfo: { hasNextPage, endCursor: ids.length ? `n${ids.at(-1)}` : null },
  count: ids.length,
});
const ids = (p: Page) => p.nodes.map((n) => Number(n.__ref.split("/").at(-1)));

describe("threadNotesPagination", () => {
  it("keeps a note added while the thread was fetched again, which the answer was read without", () => {
    // 7 is the author's reply (or a live event) written while the answer, read with 5 and 6, was on its way.
    expect(ids(mergeNotes(notes([5, 6, 7]), notes([5, 6]), { args: {} }))).toEqual([5, 6, 7]);
  });

  it("takes the answer's notes as they are now (a note moved out is dropped; its system note is newer)", () => {
    expect(ids(mergeNotes(notes([5, 6, 7]), notes([5, 7, 8]), { args: {} }))).toEqual([5, 7, 8]);
  });

  it("puts a later page's notes before a note that arrived while the thread was loaded only in part", () => {
    // 900 arrived live (or was the author's reply) while only the first page, 5 and 6, was loaded.
    const loaded = notes([5, 6, 900], true);
    expect(ids(mergeNotes(loaded, notes([7, 8], false), { args: { after: "c6" } }))).toEqual([5, 6, 7, 8, 900]);
  });

  it("keeps nothing beyond an answer that does not reach the end of the thread", () => {
    expect(ids(mergeNotes(notes([5, 6, 900]), notes([5, 6], true), { args: {} }))).toEqual([5, 6]);
  });

  it("appends the next page as other connections do", () => {
    expect(ids(mergeNotes(notes([5, 6], true), notes([7, 8]), { args: { after: "n6" } }))).toEqual([5, 6, 7, 8]);
  });
});

describe("createCache", () => {
  const schema = fs.readFileSync(fileURLToPath(new URL("../../../api/schema.graphql", import.meta.url)), "utf8");

  it("merges every id-less object type of the schema that describes its parent", () => {
    const idless = [...schema.matchAll(/^type (\w+)[^{]*\{([^}]*)\}/gm)]
      .filter(([, , body]) => !/^\s+id[(:]/m.test(body))
      .map(([, name]) => name)
      .filter((name) => !/^(Query|Mutation|Subscription|PageInfo)$|Connection$|Payload$/.test(name));
    expect([...MERGED_VALUE_TYPES].sort()).toEqual(idless.sort());
  });

  const list = gql`
    query List($fullPath: ID!, $state: IssueState, $needsReply: Boolean) {
      project(fullPath: $fullPath) {
        id
        userPermissions {
          adminProject
          updateIssue
        }
        issues(state: $state, needsReply: $needsReply, first: 50) {
          nodes {
            id
          }
        }
      }
    }
  `;
  const project = (issueIds: number[]) => ({
    __typename: "Project",
    id: "gid://tidings/Project/1",
    userPermissions: { __typename: "ProjectPermissions", adminProject: false, updateIssue: true },
    issues: {
      __typename: "IssueConnection",
      nodes: issueIds.map((n) => ({ __typename: "Issue", id: `gid://tidings/Issue/${n}` })),
    },
  });

  it("keeps a list complete when another query reads fewer of the project's permissions", () => {
    const cache = createCache();
    const variables = { fullPath: "demo/app", state: "opened" };
    cache.writeQuery({ query: list, variables, data: { project: project([1]) } });
    cache.writeQuery({
      query: gql`
        query Nav($fullPath: ID!) {
          project(fullPath: $fullPath) {
            id
            userPermissions {
              adminProject
            }
          }
        }
      `,
      variables: { fullPath: "demo/app" },
      data: {
        project: {
          __typename: "Project",
          id: "gid://tidings/Project/1",
          userPermissions: { __typename: "ProjectPermissions", adminProject: false },
        },
      },
    });
    const diff = cache.diff({ query: list, variables, optimistic: false, returnPartialData: true });
    expect(diff.complete).toBe(true);
  });

  it("keeps the needs-reply list apart from the list of every state", () => {
    const cache = createCache();
    cache.writeQuery({
      query: list,
      variables: { fullPath: "demo/app", state: "all", needsReply: true },
      data: { project: project([7]) },
    });
    const all = cache.diff({
      query: list,
      variables: { fullPath: "demo/app", state: "all", needsReply: null },
      optimistic: false,
      returnPartialData: true,
    });
    expect(all.complete).toBe(false);
  });
});
