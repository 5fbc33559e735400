import "reflect-metadata";
import { execute, type GraphQLObjectType, type GraphQLSchema, parse } from "graphql";
import {
  Arg,
  buildSchema,
  Ctx,
  Field,
  FieldResolver,
  getMetadataStorage,
  Info,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import { describe, expect, it } from "vitest";
import { callFieldResolversDirectly, isDirect, resolverContainer } from "./direct-resolvers.ts";
import { ObjectType } from "./object-type.ts";
import { buildApiSchema, RESOLVERS } from "./schema.ts";

@ObjectType("Parcel")
class Parcel {
  @Field()
  code!: string;
}

const seen: object[] = [];

@Resolver(() => Parcel)
class ParcelResolver {
  @Query(() => [Parcel])
  parcels(): Parcel[] {
    seen.push(this);
    return [{ code: "a" }, { code: "b" }];
  }

  /** The parameters in an order no positional shortcut would guess. */
  @FieldResolver(() => String)
  label(@Info() info: { fieldName: string }, @Root() parcel: Parcel, @Ctx() ctx: { prefix: string }): string {
    seen.push(this);
    return `${ctx.prefix}${parcel.code}:${info.fieldName}`;
  }

  @FieldResolver(() => String)
  owner(@Ctx() ctx: { prefix: string }): string {
    return `${ctx.prefix}owner`;
  }

  /** Takes an argument: type-graphql's wrapper converts it, so this one stays as it was. */
  @FieldResolver(() => String)
  padded(@Root() parcel: Parcel, @Arg("width", () => Number) width: number): string {
    return parcel.code.padStart(width, ".");
  }
}

const QUERY = parse("{ parcels { code label owner padded(width: 3) } }");

const build = async (direct: boolean) => {
  const container = resolverContainer();
  const schema: GraphQLSchema = await buildSchema({ resolvers: [ParcelResolver], validate: false, container });
  const made = direct ? callFieldResolversDirectly(schema, [ParcelResolver], container) : [];
  return { schema, made, container };
};

describe("field resolvers called directly (direct-resolvers.ts)", () => {
  it("answer exactly what type-graphql's own wrapper answers, each parameter in its place", async () => {
    const wrapped = await build(false);
    const direct = await build(true);
    expect(direct.made.sort()).toEqual(["Parcel.label", "Parcel.owner"]);
    const fields = (direct.schema.getType("Parcel") as GraphQLObjectType).getFields();
    const before = (wrapped.schema.getType("Parcel") as GraphQLObjectType).getFields();
    expect(isDirect(fields.label.resolve)).toBe(true);
    expect(isDirect(before.label.resolve)).toBe(false);
    expect(isDirect(fields.padded.resolve)).toBe(false);
    const run = (schema: GraphQLSchema) => execute({ schema, document: QUERY, contextValue: { prefix: "#" } });
    const expected = {
      data: {
        parcels: [
          { code: "a", label: "#a:label", owner: "#owner", padded: "..a" },
          { code: "b", label: "#b:label", owner: "#owner", padded: "..b" },
        ],
      },
    };
    expect(await run(wrapped.schema)).toEqual(expected);
    seen.length = 0;
    expect(await run(direct.schema)).toEqual(expected);
    // The query (type-graphql's wrapper) and the direct field calls reached the one instance of the container.
    expect(seen.length).toBe(3);
    expect(new Set(seen)).toEqual(new Set([direct.container.get(ParcelResolver)]));
  });

  it("cover every api field resolver that takes no argument", async () => {
    const schema = await buildApiSchema();
    const storage = getMetadataStorage();
    const fieldOf = (d: (typeof storage.fieldResolvers)[number]) => {
      const typeName = storage.objectTypes.find((t) => t.target === d.getObjectType?.())?.name ?? "?";
      return {
        name: `${typeName}.${d.schemaName}`,
        field: (schema.getType(typeName) as GraphQLObjectType).getFields()[d.schemaName],
      };
    };
    const apis = storage.fieldResolvers.filter((d) => RESOLVERS.includes(d.target as (typeof RESOLVERS)[number]));
    const takesArguments = (d: (typeof apis)[number]) =>
      (d.params ?? []).some((p) => p.kind === "arg" || p.kind === "args");
    const direct = apis.filter((d) => !takesArguments(d)).map(fieldOf);
    expect(direct.length).toBeGreaterThan(30);
    expect(direct.filter((f) => !isDirect(f.field.resolve)).map((f) => f.name)).toEqual([]);
    expect(direct.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        "Issue.labels",
        "Issue.assignees",
        "Issue.author",
        "Issue.unread",
        "Issue.searchSnippet",
      ]),
    );
    // A field whose method takes an argument keeps type-graphql's wrapper.
    const wrapped = apis.filter(takesArguments).map(fieldOf);
    expect(wrapped.map((f) => f.name)).toContain("Project.issues");
    for (const f of wrapped) expect(isDirect(f.field.resolve), f.name).toBe(false);
  });
});
