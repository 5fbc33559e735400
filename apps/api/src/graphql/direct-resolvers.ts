// Issue 14.4: a field resolver method that takes only the parent object, the context and the resolve info
// (`@Root()`, `@Ctx()`, `@Info()`) is called directly. type-graphql's own wrapper builds, on every call,
// a resolver-data object, a middleware closure and the parameter list (sorting the method's parameters
// again each time): at 50 issues a page, 7 fields a row, that was ~350 calls a request. Measured on the
// list at 1M issues: sampled allocations 1,763 → 1,275 KB a request, scavenges per 1,100 requests
// 146 → 125. Fields whose method takes `@Arg`/`@Args` keep type-graphql's wrapper (it converts the
// arguments). Sound because the api declares no type-graphql middleware or `@Authorized`
// (object-type.test.ts checks it) and builds with `validate: false`.
import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from "graphql";
import { getMetadataStorage } from "type-graphql";

type Class = new () => object;
type ParamKind = "root" | "context" | "info";
type Method = (...params: unknown[]) => unknown;

/**
 * One instance per resolver class, handed to type-graphql as its `container`, so the direct calls and
 * type-graphql's own (mutations, queries, fields with arguments) reach the same object.
 */
export const resolverContainer = () => {
  const instances = new Map<Class, object>();
  return {
    get: <T>(cls: new () => T): T => {
      let instance = instances.get(cls as Class);
      if (!instance) {
        instance = new (cls as Class)();
        instances.set(cls as Class, instance);
      }
      return instance as T;
    },
  };
};

/** The resolvers made here (so a test can tell them from type-graphql's). */
const DIRECT = new WeakSet<GraphQLFieldResolver<unknown, unknown>>();
export const isDirect = (resolve: GraphQLFieldResolver<unknown, unknown> | undefined) =>
  !!resolve && DIRECT.has(resolve);

/** A resolver that calls `method` on `instance` with the parent, context or info in the method's order. */
const direct = (instance: object, method: Method, kinds: ParamKind[]): GraphQLFieldResolver<unknown, unknown> => {
  const pick = (kind: ParamKind, root: unknown, ctx: unknown, info: unknown) =>
    kind === "root" ? root : kind === "context" ? ctx : info;
  const [a, b, c] = kinds;
  switch (kinds.length) {
    case 0:
      return () => method.call(instance);
    case 1:
      return (root, _args, ctx, info) => method.call(instance, pick(a, root, ctx, info));
    case 2:
      return (root, _args, ctx, info) => method.call(instance, pick(a, root, ctx, info), pick(b, root, ctx, info));
    case 3:
      return (root, _args, ctx, info) =>
        method.call(instance, pick(a, root, ctx, info), pick(b, root, ctx, info), pick(c, root, ctx, info));
    default:
      return (root, _args, ctx, info) =>
        method.apply(
          instance,
          kinds.map((k) => pick(k, root, ctx, info)),
        );
  }
};

/**
 * Replaces type-graphql's wrapper by a direct call for each field resolver of `resolvers` whose method
 * takes only `@Root()`, `@Ctx()` and `@Info()` (whole objects, no property picked). Returns the fields
 * made direct ("Type.field").
 */
export const callFieldResolversDirectly = (
  schema: GraphQLSchema,
  resolvers: readonly Class[],
  container: { get: <T>(cls: new () => T) => T },
): string[] => {
  const storage = getMetadataStorage();
  const made: string[] = [];
  for (const def of storage.fieldResolvers) {
    if (def.kind !== "external" || !resolvers.includes(def.target as Class) || !def.getObjectType) continue;
    const params = [...(def.params ?? [])].sort((x, y) => x.index - y.index);
    const kinds = params.map((p) => p.kind);
    // The parent is passed as it is. type-graphql copies it into a new instance of the object type's
    // class on every call when decorator metadata names the parameter's type: vitest's transform emits
    // that metadata, tsx (`npm start`, the image) does not. So the api as deployed never had the copy, and
    // its tests now run the deployed path.
    const plain = params.every(
      (p) =>
        (p.kind === "root" || p.kind === "context" || p.kind === "info") && !("propertyName" in p && p.propertyName),
    );
    if (!plain || def.middlewares?.length || def.roles?.length) continue;
    const objectClass = def.getObjectType();
    const typeName = storage.objectTypes.find((t) => t.target === objectClass)?.name;
    const type = typeName ? schema.getType(typeName) : undefined;
    const field = isObjectType(type) ? type.getFields()[def.schemaName] : undefined;
    if (!field) continue;
    const instance = container.get(def.target as Class);
    const method = (instance as Record<string, Method>)[def.methodName];
    field.resolve = direct(instance, method, kinds as ParamKind[]);
    DIRECT.add(field.resolve);
    made.push(`${typeName}.${def.schemaName}`);
  }
  return made;
};
