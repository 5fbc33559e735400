import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { depthLimitRule, MAX_QUERY_DEPTH, queryDepth } from "./limits.ts";
import { buildApiSchema } from "./schema.ts";

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

  it("offers a validation rule that refuses deep introspection too", async () => {
    const schema = await buildApiSchema();
    const deep = parse(
      `{ __schema { types { ${"ofType { ".repeat(MAX_QUERY_DEPTH)} name ${"} ".repeat(MAX_QUERY_DEPTH)} } } }`,
    );
    expect(validate(schema, deep, [depthLimitRule]).map((e) => e.message)[0]).toMatch(/^The query is too deep/);
    expect(validate(schema, parse("{ currentUser { username } }"), [depthLimitRule])).toEqual([]);
  });
});
