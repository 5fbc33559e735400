import { type GraphQLObjectType, isObjectType } from "graphql";
import { getMetadataStorage } from "type-graphql";
import { describe, expect, it } from "vitest";
import { buildApiSchema } from "./schema.ts";

describe("the api's object types (object-type.ts)", () => {
  it("read their plain fields as properties; a field with a resolver method keeps it", async () => {
    const schema = await buildApiSchema();
    const issue = schema.getType("Issue") as GraphQLObjectType;
    expect(issue.getFields().title.resolve).toBeUndefined();
    expect(issue.getFields().createdAt.resolve).toBeUndefined();
    expect(issue.getFields().labels.resolve).toBeTypeOf("function");
    // Every object type of the schema was declared through object-type.ts.
    const declared = getMetadataStorage().objectTypes;
    const own = Object.values(schema.getTypeMap()).filter(
      (t) => isObjectType(t) && !t.name.startsWith("__") && !["Query", "Mutation", "Subscription"].includes(t.name),
    );
    expect(own.length).toBeGreaterThan(50);
    for (const t of own) expect(declared.find((d) => d.name === t.name)?.simpleResolvers, t.name).toBe(true);
  });

  it("declare no type-graphql middleware or @Authorized, which simple resolvers would skip", async () => {
    await buildApiSchema();
    const storage = getMetadataStorage();
    expect(storage.middlewares).toEqual([]);
    expect(storage.resolverMiddlewares).toEqual([]);
    expect(storage.authorizedFields).toEqual([]);
    expect(storage.authorizedResolver).toEqual([]);
  });
});
