import fs from "node:fs";
import { Kind, Lexer, parse, print, Source, specifiedRules, TokenKind, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  costVariables,
  depthLimitRule,
  limitRules,
  MAX_QUERY_DEPTH,
  MAX_QUERY_NODES,
  operationCost,
  operationLimitError,
  PARSE_LIMITS,
  queryDepth,
} from "./limits.ts";
import { buildApiSchema } from "./schema.ts";
import { countingReads, doublingFragments } from "./test-documents.ts";

describe("query limits (F3)", () => {
  it("measures depth through fragments and inline fragments, without looping on cycles", () => {
    const doc = parse(`query { a { ...F b { ... on X { c { d } } } } } fragment F on A { e { f { g { h } } } }`);
    const op = doc.definitions[0];
    if (op.kind !== "OperationDefinition") throw new Error("no operation");
    expect(queryDepth(op.selectionSet, {})).toBe(4);
    const fragments = Object.fromEntries(
      doc.definitions.flatMap((d) => (d.kind === "FragmentDefinition" ? [[d.name.value, d]] : [])),
    );
    expect(queryDepth(op.selectionSet, fragments)).toBe(5);
  });

  it("computes each fragment's depth once, not once per path through fragments that spread each other", () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^20 paths (2^30 held the api for minutes) in under 1 KB.
    const levels = 20;
    const doc = parse(`query { ...F0 }\n${doublingFragments(levels, "Query", "currentUser { id }")}`);
    const op = doc.definitions[0];
    if (op.kind !== "OperationDefinition") throw new Error("no operation");
    const fragments = countingReads(
      Object.fromEntries(doc.definitions.flatMap((d) => (d.kind === "FragmentDefinition" ? [[d.name.value, d]] : []))),
    );
    expect(queryDepth(op.selectionSet, fragments.proxy)).toBe(2);
    expect(fragments.reads.count).toBeLessThanOrEqual(2 * levels);
  });

  it("finds no fragment named after Object's members: `...constructor` is an unknown fragment, not a 500", async () => {
    const schema = await buildApiSchema();
    for (const name of ["constructor", "toString", "__proto__"]) {
      const errors = validate(schema, parse(`{ ...${name} }`), [...specifiedRules, ...limitRules(true)]);
      expect(errors.map((e) => e.message)).toEqual([`Unknown fragment "${name}".`]);
    }
  });

  it("offers a validation rule that refuses deep introspection too", async () => {
    const schema = await buildApiSchema();
    const deep = parse(
      `{ __schema { types { ${"ofType { ".repeat(MAX_QUERY_DEPTH)} name ${"} ".repeat(MAX_QUERY_DEPTH)} } } }`,
    );
    expect(validate(schema, deep, [depthLimitRule]).map((e) => e.message)[0]).toMatch(/^The query is too deep/);
    expect(validate(schema, parse("{ currentUser { username } }"), [depthLimitRule])).toEqual([]);
  });

  it("knows which variables a cost reads: page sizes and directives, in fragments too", () => {
    const doc = parse(`query($n: Int, $s: String, $x: Boolean!, $m: Int, $after: String) {
      project(fullPath: $s) { issues(first: $n, after: $after, search: $s) @include(if: $x) { nodes { ...F } } } }
      fragment F on Issue { notes(first: $m) { nodes { id } } }`);
    expect(costVariables(doc)).toEqual(["m", "n", "x"]);
  });
});

/** The lexical tokens of a document, as GraphQL's parser counts them against `maxLexicalTokens`. */
const countTokens = (text: string) => {
  const lexer = new Lexer(new Source(text));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
};

describe("the cost of a request, kept per document (issue 14.4)", () => {
  // The web app's own operations, each asked with variations of its variables.
  const operations = fs
    .readdirSync(new URL("../../../web/src", import.meta.url), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".graphql"))
    .flatMap((f) => {
      const doc = parse(fs.readFileSync(new URL(`../../../web/src/${f}`, import.meta.url), "utf8"));
      return doc.definitions.flatMap((d) =>
        d.kind === Kind.OPERATION_DEFINITION && d.name ? [{ doc, name: d.name.value }] : [],
      );
    });
  const variations: Record<string, unknown>[] = [
    {},
    { first: 1 },
    { first: 100, search: "printer" },
    { first: 100, search: "courier", after: "abc" },
    { first: null },
    { first: 7, includeNotes: false },
    { first: "many" },
    { first: 50, fullPath: "demo/app" },
  ];

  it("is what a first computation gives, for every operation of the web app and variables that vary", async () => {
    const schema = await buildApiSchema();
    expect(operations.length).toBeGreaterThan(20);
    let kept = 0;
    for (const { doc, name } of operations) {
      for (const variables of [...variations, ...variations]) {
        const cached = operationCost(schema, doc, name, variables);
        // The same text parsed afresh: nothing kept for it, so computed from the start.
        const fresh = operationCost(schema, parse(print(doc)), name, variables);
        expect(cached, `${name} ${JSON.stringify(variables)}`).toEqual(fresh);
        if (cached?.kind === "cost") kept++;
      }
    }
    expect(kept).toBeGreaterThan(operations.length);
  });

  it("follows the page size of each request, never a cost kept for another", async () => {
    const schema = await buildApiSchema();
    const doc = parse(`query($n: Int, $s: String) { project(fullPath: "demo/app") { issues(first: $n, search: $s) {
      nodes { notes(first: 100) { nodes { id body } } } } } }`);
    const costOf = (variables: Record<string, unknown>) => {
      const cost = operationCost(schema, doc, null, variables);
      return cost?.kind === "cost" ? cost.cost : cost?.kind;
    };
    expect(costOf({ n: 1, s: "a" })).toBe(costOf({ n: 1, s: "b" }));
    expect(costOf({ n: 100 })).toBeGreaterThan(25_000);
    expect(operationLimitError(schema, doc, null, { n: 100, s: "a" })?.message).toMatch(/^The query is too complex/);
    expect(operationLimitError(schema, doc, null, { n: 1, s: "a" })).toBeNull();
    // A page size that does not coerce is left to GraphQL's own message, and not kept.
    expect(costOf({ n: "x" })).toBe("invalid variables");
    expect(operationLimitError(schema, doc, null, { n: "x" })).toBeNull();
  });

  it("tells how long a cost took to compute, only when it was not kept", async () => {
    const schema = await buildApiSchema();
    const doc = parse(`query($n: Int) { project(fullPath: "demo/app") { issues(first: $n) { nodes { id } } } }`);
    const told: number[] = [];
    const charge = (ms: number) => told.push(ms);
    operationLimitError(schema, doc, null, { n: 1 }, charge);
    operationLimitError(schema, doc, null, { n: 1 }, charge);
    expect(told).toHaveLength(1);
    operationLimitError(schema, doc, null, { n: 2 }, charge);
    expect(told).toHaveLength(2);
    expect(told.every((ms) => ms >= 0)).toBe(true);
  });

  it("parses every document of the web app well inside the token limit", () => {
    for (const { doc, name } of operations) {
      // The whole file the operation comes from, all its operations and fragments.
      expect(countTokens(print(doc)), name).toBeLessThan(PARSE_LIMITS.maxLexicalTokens / 10);
    }
    expect(() => parse(`{ ${"currentUser { username } ".repeat(2600)}}`, PARSE_LIMITS)).toThrow(
      /more tha[nt] 10000 tokens/,
    );
  });

  it(`refuses an operation of more than ${MAX_QUERY_NODES.toLocaleString("en")} fields instead of letting it through uncounted`, async () => {
    const schema = await buildApiSchema();
    // 2,600 aliased pages of 100 issues: ~790,000 in cost. graphql-query-complexity stops counting at its
    // node limit by throwing, which was once read as "variables that do not coerce" and let through.
    const page = (i: number) => `p${i}: project(fullPath: "demo/app") { issues(first: 100) { nodes { title iid } } }`;
    const doc = parse(`{ ${Array.from({ length: 2600 }, (_, i) => page(i)).join("\n")} }`);
    expect(operationCost(schema, doc, null, {})).toEqual({ kind: "too many nodes" });
    expect(operationLimitError(schema, doc, null, {})?.message).toBe(
      "The query has more than 10,000 fields and fragments (the limit). Ask for fewer items or fields.",
    );
  });
});
