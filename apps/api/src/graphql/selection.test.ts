import fs from "node:fs";
import { type FieldNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, parse } from "graphql";
import { expect, it } from "vitest";
import { asksFor } from "./selection.ts";
import { countingReads, doublingFragments } from "./test-documents.ts";

/** The `issues` field of a document's first operation, as a resolver's info sees it. */
const issuesInfo = (source: string, operationName?: string) => {
  const doc = parse(source);
  const op = doc.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const find = (nodes: readonly FieldNode[]): FieldNode[] =>
    nodes.flatMap((n) => [
      ...(n.name.value === "issues" ? [n] : []),
      ...find((n.selectionSet?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD)),
    ]);
  const top = (op?.selectionSet.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return { fieldNodes: find(top), fragments };
};

it("finds a field asked directly, through inline fragments and through named fragments", () => {
  const direct = issuesInfo('{ project(fullPath: "a/b") { issues { nodes { id searchSnippet { source } } } } }');
  expect(asksFor(direct, ["nodes", "searchSnippet"])).toBe(true);
  const inline = issuesInfo(
    '{ project(fullPath: "a/b") { issues { nodes { ... on Issue { searchSnippet { source } } } } } }',
  );
  expect(asksFor(inline, ["nodes", "searchSnippet"])).toBe(true);
  const named = issuesInfo(`
    query Q { project(fullPath: "a/b") { issues { ...Conn } } }
    fragment Conn on IssueConnection { nodes { ...Row } }
    fragment Row on Issue { id ...Snippet }
    fragment Snippet on Issue { searchSnippet { source } }`);
  expect(asksFor(named, ["nodes", "searchSnippet"])).toBe(true);
});

it("says no when the path is not asked, or only part of it, and stops on a fragment cycle", () => {
  const none = issuesInfo('{ project(fullPath: "a/b") { issues { nodes { id title } searchSnippet: count } } }');
  expect(asksFor(none, ["nodes", "searchSnippet"])).toBe(false);
  const cycle = issuesInfo(`
    query Q { project(fullPath: "a/b") { issues { nodes { ...A } } } }
    fragment A on Issue { id ...B }
    fragment B on Issue { title ...A }`);
  expect(asksFor(cycle, ["nodes", "searchSnippet"])).toBe(false);
});

it("sees the web app's own list query ask for snippets (through its fragments)", () => {
  const source = fs.readFileSync(new URL("../../../web/src/scenes/issues/issues.graphql", import.meta.url), "utf8");
  const list = issuesInfo(source, "IssuesScene");
  expect(list.fieldNodes).toHaveLength(1);
  expect(asksFor(list, ["nodes", "searchSnippet"])).toBe(true);
});

it("explores each fragment once per position, not every path through fragments that spread each other twice", () => {
  // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^20 paths in a document of under 1 KB.
  const levels = 20;
  const info = issuesInfo(
    `query Q { project(fullPath: "a/b") { issues { nodes { ...F0 } } } }\n${doublingFragments(levels, "Issue", "id")}`,
  );
  const fragments = countingReads(info.fragments);
  expect(asksFor({ ...info, fragments: fragments.proxy }, ["nodes", "searchSnippet"])).toBe(false);
  expect(fragments.reads.count).toBeLessThanOrEqual(levels);
});
