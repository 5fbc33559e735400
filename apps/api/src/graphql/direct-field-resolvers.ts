// Issue 14.4: type-graphql calls a field resolver method through a wrapper of its own on every call: it
// builds the call's data, finds the resolver class's instance in its container (a scan of every class),
// sorts the method's parameter list and maps it to values, and runs the (empty) middleware chain. At 50
// issues a list page calls ~8 such fields per row. A method whose parameters are only @Root, @Ctx and
// @Info has nothing to convert or validate, so after the schema is built its field calls the method
// directly, on one instance of its class as type-graphql's default container keeps one. Methods with an
// @Arg keep type-graphql's wrapper (it converts and validates their arguments). The api declares no
// type-graphql middleware or @Authorized (object-type.test.ts), which the wrapper would have run.
// The parent is passed as it is, as type-graphql passes it in the built api: esbuild (tsx, the bundle)
// emits no parameter types. The tests' transform does, and type-graphql then copied each parent into an
// instance of its @Root's class on every call; the tests now run what production runs.
import type { GraphQLFieldResolver, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from "graphql";
import { getMetadataStorage } from "type-graphql";

type Method = (...params: unknown[]) => unknown;
/** A resolver class, as type-graphql's metadata holds it. */
type ResolverClass = ReturnType<typeof getMetadataStorage>["fieldResolvers"][number]["target"];
type DirectKind = "root" | "context" | "info";

/** A resolver for the method's parameter kinds, in their order; no array built per call for the usual ones. */
const directCall = (instance: object, method: Method, kinds: DirectKind[]): GraphQLFieldResolver<unknown, unknown> => {
  const shape = kinds.join(",");
  if (shape === "root") return (root) => method.call(instance, root);
  if (shape === "root,context") return (root, _args, ctx) => method.call(instance, root, ctx);
  if (shape === "root,context,info") return (root, _args, ctx, info) => method.call(instance, root, ctx, info);
  const pick = (root: unknown, ctx: unknown, info: GraphQLResolveInfo) =>
    kinds.map((k) => (k === "root" ? root : k === "context" ? ctx : info));
  return (root, _args, ctx, info) => method.apply(instance, pick(root, ctx, info));
};

/**
 * Gives each field resolver method whose parameters are only @Root, @Ctx and @Info a direct call (see the
 * header); returns the fields it gave one, as "Type.field".
 */
export const callFieldResolversDirectly = (schema: GraphQLSchema): string[] => {
  const storage = getMetadataStorage();
  const typeNameOf = new Map(storage.objectTypes.map((o) => [o.target, o.name]));
  // The object type a resolver class resolves fields of (only such a class has field resolvers; asking a
  // query-only class throws).
  const objectTypeOf = (target: ResolverClass) =>
    storage.resolverClasses.find((r) => r.target === target)?.getObjectType();
  const instances = new Map<ResolverClass, object>();
  const direct: string[] = [];
  for (const resolver of storage.fieldResolvers) {
    if (resolver.kind !== "external") continue;
    const objectType = objectTypeOf(resolver.target);
    const typeName = objectType && typeNameOf.get(objectType);
    const field = typeName
      ? (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[resolver.schemaName]
      : undefined;
    if (!field) continue;
    const params = storage.params
      .filter((p) => p.target === resolver.target && p.methodName === resolver.methodName)
      .sort((a, b) => a.index - b.index);
    const plain = params.every(
      (p, i) =>
        p.index === i &&
        (p.kind === "info" || (p.kind === "context" && !p.propertyName) || (p.kind === "root" && !p.propertyName)),
    );
    if (!plain) continue;
    let instance = instances.get(resolver.target);
    if (!instance) {
      instance = new (resolver.target as new () => object)();
      instances.set(resolver.target, instance);
    }
    const method = (instance as Record<string, Method>)[resolver.methodName];
    field.resolve = directCall(
      instance,
      method,
      params.map((p) => p.kind as DirectKind),
    );
    direct.push(`${typeName}.${resolver.schemaName}`);
  }
  return direct;
};
