import { createRequire } from "node:module";
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
} from "graphql";
import type { ComplexityEstimator } from "graphql-query-complexity";
import type { MiddlewareFn } from "type-graphql";

// graphql-query-complexity's ESM build imports graphql/index.mjs, a second copy of graphql next to the
// CommonJS one type-graphql and Apollo use under Node ("another module or realm"): load its CJS build.
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  "graphql-query-complexity",
) as typeof import("graphql-query-complexity");

/** F3: deeper or costlier operations are refused before anything is resolved. */
export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COMPLEXITY = 25_000;
/** Page size assumed for a connection asked without `first` (notes default to 100). */
const DEFAULT_PAGE = 20;
const DEFAULT_PAGE_OF: Record<string, number> = { notes: 100 };

/** Depth of the deepest field (fragments followed, introspection fields included). */
export const queryDepth = (
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string> = new Set(),
): number => {
  let max = 0;
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.FIELD) {
      const f = sel as FieldNode;
      max = Math.max(max, f.selectionSet ? 1 + queryDepth(f.selectionSet, fragments, seen) : 1);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, queryDepth(sel.selectionSet, fragments, seen));
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const name = sel.name.value;
      const frag = fragments[name];
      if (!frag || seen.has(name)) continue;
      max = Math.max(max, queryDepth(frag.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return max;
};

/** A list field costs its page size times its children (`first`, else the default page). */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (typeof args.first === "number") return 1 + Math.max(0, Math.min(args.first, 100)) * childComplexity;
  return undefined as unknown as number;
};
const pagedByDefault: ComplexityEstimator = ({ field, childComplexity }) =>
  "first" in (field.args?.reduce((a, x) => Object.assign(a, { [x.name]: x }), {}) ?? {})
    ? 1 + (DEFAULT_PAGE_OF[field.name] ?? DEFAULT_PAGE) * childComplexity
    : (undefined as unknown as number);

const checked = new WeakMap<OperationDefinitionNode, GraphQLError | null>();

export const checkLimits = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): GraphQLError | null => {
  const cached = checked.get(operation);
  if (cached !== undefined) return cached;
  let error: GraphQLError | null = null;
  const depth = queryDepth(operation.selectionSet, fragments);
  if (depth > MAX_QUERY_DEPTH) {
    error = new GraphQLError(`The query is too deep (${depth} levels; the limit is ${MAX_QUERY_DEPTH}).`, {
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
  } else {
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragments)] };
    const cost = getComplexity({
      schema,
      query: document,
      variables,
      estimators: [connectionEstimator, pagedByDefault, simpleEstimator({ defaultComplexity: 1 })],
    });
    if (cost > MAX_QUERY_COMPLEXITY) {
      error = new GraphQLError(
        `The query is too complex (cost ${cost}; the limit is ${MAX_QUERY_COMPLEXITY}). Ask for fewer items or fields.`,
        { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
      );
    }
  }
  checked.set(operation, error);
  return error;
};

/** Turns a coerced (internal) value back into its input form: enums to their names, recursively. */
const toInputForm = (type: GraphQLInputType, value: unknown): unknown => {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return toInputForm(type.ofType, value);
  if (isListType(type)) return Array.isArray(value) ? value.map((v) => toInputForm(type.ofType, v)) : value;
  if (isEnumType(type)) return type.serialize(value);
  if (isInputObjectType(type) && typeof value === "object") {
    const fields = type.getFields();
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        fields[k] ? toInputForm(fields[k].type, v) : v,
      ]),
    );
  }
  return value;
};

/**
 * The resolver sees coerced variables (enum values already internal, e.g. "thank_you"); the cost
 * estimator coerces them again, so hand it their input form (the enum names).
 */
export const checkLimitsOf = (info: GraphQLResolveInfo) => {
  const variables: Record<string, unknown> = {};
  for (const def of info.operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (!(name in info.variableValues)) continue;
    const type = typeFromAST(info.schema, def.type) as GraphQLInputType | undefined;
    variables[name] = type ? toInputForm(type, info.variableValues[name]) : info.variableValues[name];
  }
  return checkLimits(info.schema, info.operation, info.fragments, variables);
};

/**
 * Enforced on every root field of queries and mutations, whichever transport runs them (HTTP or
 * WebSocket), so it needs no change to the server wiring; computed once per operation.
 */
export const limitsMiddleware: MiddlewareFn = async ({ info }, next) => {
  if (info.path.prev === undefined) {
    const error = checkLimitsOf(info);
    if (error) throw error;
  }
  return next();
};

/**
 * The depth limit as a validation rule, for the server wiring (Apollo `validationRules`, graphql-ws
 * `onSubscribe`): it also covers introspection fields, which no resolver middleware sees.
 */
export const depthLimitRule: ValidationRule = (context) => {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of context.getDocument().definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  }
  return {
    OperationDefinition(node) {
      const depth = queryDepth(node.selectionSet, fragments);
      if (depth > MAX_QUERY_DEPTH) {
        context.reportError(
          new GraphQLError(`The query is too deep (${depth} levels; the limit is ${MAX_QUERY_DEPTH}).`, {
            nodes: [node],
          }),
        );
      }
    },
  };
};
