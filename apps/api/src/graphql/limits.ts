import { createRequire } from "node:module";
import {
  type DocumentNode,
  getOperationAST,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from "graphql";
import type { ComplexityEstimator } from "graphql-query-complexity";

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

/** Finds the operation a request runs (by name, or the only one) and the document's fragments. */
const operationOf = (document: DocumentNode, operationName?: string | null) => {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
    if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  return { operation, fragments };
};

/**
 * F3, per request: the cost of the operation with THIS request's variables (a `first: 100`
 * costs what it asks for, however cheap the same text was before), every alias counted. Never cached by
 * query text. Both transports call it before executing: Apollo (HTTP) and graphql-ws (WebSocket). The
 * depth needs no variables: `depthLimitRule` checks it during validation, on both transports too.
 */
export const operationLimitError = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | null => {
  const { operation, fragments } = operationOf(document, operationName);
  if (!operation) return null;
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragments)] },
      variables: variables ?? {},
      estimators: [connectionEstimator, pagedByDefault, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables that do not coerce: GraphQL's own validation answers with the precise message.
    return null;
  }
  if (cost > MAX_QUERY_COMPLEXITY) {
    return new GraphQLError(
      `The query is too complex (cost ${cost}; the limit is ${MAX_QUERY_COMPLEXITY}). Ask for fewer items or fields.`,
      { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } },
    );
  }
  return null;
};

/** At most this many `__schema` / `__type` fields in one operation (a client needs one; aliases multiply). */
export const MAX_INTROSPECTION_FIELDS = 1;

/** Refuses operations that repeat introspection (1,000 aliased `__schema` fields returned 10.6 MB). */
export const introspectionLimitRule: ValidationRule = (context) => {
  let count = 0;
  return {
    Field(node) {
      if (node.name.value !== "__schema" && node.name.value !== "__type") return;
      count++;
      if (count === MAX_INTROSPECTION_FIELDS + 1) {
        context.reportError(
          new GraphQLError(
            `An operation may ask for introspection (__schema or __type) at most ${MAX_INTROSPECTION_FIELDS} time.`,
            { nodes: [node] },
          ),
        );
      }
    },
  };
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

/** Every validation rule both transports add to GraphQL's own; production also hides the schema. */
export const limitRules = (production: boolean): ValidationRule[] =>
  production
    ? [depthLimitRule, introspectionLimitRule, NoSchemaIntrospectionCustomRule]
    : [depthLimitRule, introspectionLimitRule];

export const READ_ONLY_TOKEN =
  "This token has the read_api scope: it can read, not change anything. Create a token with the api scope to make changes.";

/** A `read_api` token may run queries and subscriptions, never a mutation (HTTP and WebSocket alike). */
export const scopeError = (
  document: DocumentNode,
  operationName: string | null | undefined,
  viewer: { readOnly?: boolean } | null,
): GraphQLError | null => {
  if (!viewer?.readOnly) return null;
  const operation = getOperationAST(document, operationName ?? undefined);
  return operation?.operation === "mutation"
    ? new GraphQLError(READ_ONLY_TOKEN, { extensions: { code: "FORBIDDEN" } })
    : null;
};
