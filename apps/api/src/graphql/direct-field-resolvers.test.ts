import type { GraphQLObjectType, GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { callFieldResolversDirectly } from "./direct-field-resolvers.ts";
import { buildApiSchema, RESOLVERS } from "./schema.ts";

describe("field resolver methods called directly (direct-field-resolvers.ts)", () => {
  it("covers the list row's fields, and leaves type-graphql's wrapper to a method that takes arguments", async () => {
    const direct = callFieldResolversDirectly(await buildApiSchema());
    for (const field of ["author", "externalAuthor", "labels", "assignees", "requesterName", "searchSnippet", "unread"])
      expect(direct).toContain(`Issue.${field}`);
    // `notes(first, after)` and `issues(…)` convert and validate their arguments in type-graphql's wrapper.
    expect(direct).not.toContain("Issue.notes");
    expect(direct).not.toContain("Project.issues");
  });

  it("gives the api's schema the direct calls: the method gets the field's parent itself", async () => {
    const schema = await buildApiSchema();
    const field = (schema.getType("Issue") as GraphQLObjectType).getFields().searchSnippet;
    // IssueResolver.searchSnippet returns `issue.searchSnippetOf()`: here, the object it was given. Through
    // type-graphql's wrapper the tests' build handed it a copy of the parent (see the module's header).
    const parent = {
      searchSnippetOf() {
        return this;
      },
    };
    expect(field.resolve?.(parent, {}, {}, {} as GraphQLResolveInfo)).toBe(parent);
  });

  it("needs one instance per resolver class, as type-graphql keeps one: no class holds state of its own", () => {
    for (const Resolver of RESOLVERS) expect(Object.keys(new Resolver()), Resolver.name).toEqual([]);
  });
});
