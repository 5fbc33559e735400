// Issue 14.4: the api's object types, declared through one decorator. type-graphql wraps a plain field (one
// read from the returned object, no resolver method) in a resolver of its own unless the type says
// `simpleResolvers`: at 50 issues a page that was ~750 calls a request, each allocating, and graphql-jit
// (jit-executor.ts) compiles a field without a resolver to a property read instead of a call. The option
// also skips type-graphql's middlewares and `@Authorized` on those fields; the api declares neither
// (authorisation is core's policy, applied in resolvers: object-type.test.ts checks both).
import { type ObjectTypeOptions, ObjectType as TypeGraphQLObjectType } from "type-graphql";

/** type-graphql's `@ObjectType(name, options)`, its plain fields read as graphql-js reads them. */
export const ObjectType = (name: string, options: ObjectTypeOptions = {}): ClassDecorator =>
  TypeGraphQLObjectType(name, { ...options, simpleResolvers: true });
