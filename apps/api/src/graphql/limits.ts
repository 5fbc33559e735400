import { createRequire } from "node:module";
import {
  type ASTNode,
  type DocumentNode,
  getOperationAST,
  getVariableValues,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationRule,
  visit,
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

/**
 * Depth of the deepest field (fragments followed, introspection fields included). Each fragment's depth is
 * computed once: a chain of fragments that each spread the next twice is a 1 KB document with 2^30 paths,
 * and walking every path (as this did) held the api's event loop for minutes. A fragment met again while
 * its own depth is being computed (a cycle, which validation refuses) adds nothing.
 */
export const queryDepth = (
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
): number => {
  const depthOf = new Map<string, number>();
  const walk = (set: SelectionSetNode): number => {
    let max = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        max = Math.max(max, sel.selectionSet ? 1 + walk(sel.selectionSet) : 1);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, walk(sel.selectionSet));
      } else {
        const name = sel.name.value;
        const frag = fragments[name];
        if (!frag) continue;
        if (!depthOf.has(name)) {
          depthOf.set(name, 0);
          depthOf.set(name, walk(frag.selectionSet));
        }
        max = Math.max(max, depthOf.get(name) ?? 0);
      }
    }
    return max;
  };
  return walk(selectionSet);
};

/** The argument a connection reads its page size from: a cost depends on its value (costVariables). */
const PAGE_SIZE_ARGUMENT = "first";

/** A list field costs its page size times its children (`first`, else the default page). */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = args[PAGE_SIZE_ARGUMENT];
  if (typeof first === "number") return 1 + Math.max(0, Math.min(first, 100)) * childComplexity;
  return undefined as unknown as number;
};
const pagedByDefault: ComplexityEstimator = ({ field, childComplexity }) =>
  field.args?.some((a) => a.name === PAGE_SIZE_ARGUMENT)
    ? 1 + (DEFAULT_PAGE_OF[field.name] ?? DEFAULT_PAGE) * childComplexity
    : (undefined as unknown as number);

/** The operation a request runs: by name, or the first. */
const operationNamed = (document: DocumentNode, operationName?: string | null) => {
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) return def;
  }
  return undefined;
};

/**
 * The document's fragments by name, in a record without a prototype: a spread of `...constructor` must
 * find no fragment (with `{}` it found Object's constructor, and the depth rule threw: a 500).
 */
const fragmentsOf = (document: DocumentNode) => {
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  return fragments;
};

/**
 * What GraphQL's parser accepts, on both transports (Apollo's `parseOptions`, graphql-ws's `parse`): a
 * longer document is refused while it is read, before validation and the cost walk it. The web app's
 * largest document file has ~620 tokens (limits.test.ts keeps that margin in view). A document of 2,600
 * aliased pages (217 KB) took ~300 ms to be refused by the field limit below over HTTP; the token
 * limit refuses it at parse.
 */
export const PARSE_LIMITS = { maxLexicalTokens: 10_000, maxComments: 1_000 } as const satisfies ParseOptions;

/**
 * The largest GraphQL request read, in bytes: an HTTP body (413 beyond) or one WebSocket message (the
 * socket is closed with 1009 beyond; `ws` would otherwise read messages of up to 100 MiB).
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Fields and fragments one operation may hold; more is refused before its cost is even summed. */
export const MAX_QUERY_NODES = 10_000;

/**
 * The variables an operation's cost depends on: those in a page size (`first`) or a directive
 * (`@include(if:)`, `@skip(if:)`). The estimators read nothing else from a request.
 */
export const costVariables = (document: DocumentNode): string[] => {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable: (v) => {
        names.add(v.name.value);
      },
    });
  visit(document, {
    Field: (field) => {
      for (const arg of field.arguments ?? []) if (arg.name.value === PAGE_SIZE_ARGUMENT) collect(arg.value);
    },
    Directive: (directive) => {
      collect(directive);
    },
  });
  return [...names].sort();
};

/** A cost; or more fields than MAX_QUERY_NODES (not summed); or variables that do not coerce; or an error. */
export type Cost =
  | { kind: "cost"; cost: number }
  | { kind: "too many nodes" }
  | { kind: "invalid variables" }
  | { kind: "unmeasured"; reason: string };

/** Per parsed document (Apollo keeps one per query text), its cost variables and the costs of their values. */
const COSTS = new WeakMap<DocumentNode, { schema: GraphQLSchema; variables: string[]; costs: Map<string, Cost> }>();
/** Distinct page sizes one query text is asked with; beyond it the document's costs start again. */
const MAX_COSTS_PER_DOCUMENT = 32;

/** The values of the cost variables, told apart: absent, null and each JSON value. */
const costKey = (
  operationName: string | null | undefined,
  names: string[],
  variables: Record<string, unknown>,
): string =>
  [
    operationName ?? "",
    ...names.map((n) => (Object.hasOwn(variables, n) ? `=${JSON.stringify(variables[n])}` : "-")),
  ].join("\u0000");

/** The cost of an operation whose variables coerce (graphql-query-complexity, with the estimators above). */
const computeCost = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Cost => {
  try {
    const cost = getComplexity({
      schema,
      query: { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragmentsOf(document))] },
      variables,
      estimators: [connectionEstimator, pagedByDefault, simpleEstimator({ defaultComplexity: 1 })],
      maxQueryNodes: MAX_QUERY_NODES,
    });
    return { kind: "cost", cost };
  } catch (err) {
    // graphql-query-complexity stops counting at the node limit by throwing; anything else refuses too.
    const reason = err instanceof Error ? err.message : String(err);
    return /maximum allowed number of nodes/.test(reason) ? { kind: "too many nodes" } : { kind: "unmeasured", reason };
  }
};

/**
 * F3, per request: the cost of the operation with THIS request's variables (a `first: 100` costs what it
 * asks for, however cheap the same text was before), every alias counted. Never cached by query text
 * alone: by the document and the values of the variables the cost reads (costVariables), so a list asked
 * again with another search or cursor costs a lookup, not a walk of the document (issue 14.4).
 */
export const operationCost = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  charge: (ms: number) => void = () => undefined,
): Cost | null => {
  const operation = operationNamed(document, operationName);
  if (!operation) return null;
  // Variables that do not coerce: GraphQL's own validation answers with the precise message.
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) {
    return { kind: "invalid variables" };
  }
  let known = COSTS.get(document);
  if (!known || known.schema !== schema) {
    known = { schema, variables: costVariables(document), costs: new Map() };
    COSTS.set(document, known);
  }
  const key = costKey(operationName, known.variables, variables);
  let cost = known.costs.get(key);
  if (!cost) {
    const computing = performance.now();
    cost = computeCost(schema, document, operation, variables);
    charge(performance.now() - computing);
    if (known.costs.size >= MAX_COSTS_PER_DOCUMENT) known.costs.clear();
    known.costs.set(key, cost);
  }
  return cost;
};

/**
 * The error refusing an operation that costs too much (operationCost), or null. Both transports call it
 * before executing: Apollo (HTTP) and graphql-ws (WebSocket). The depth needs no variables:
 * `depthLimitRule` checks it during validation, on both transports too. `charge` is told how long a cost
 * not kept took to compute (each new value of a variable the cost reads walks the document again: ~9 ms
 * for 530 bytes of fragments that spread each other, measured), for the client's budget.
 */
export const operationLimitError = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  charge?: (ms: number) => void,
): GraphQLError | null => {
  const cost = operationCost(schema, document, operationName, variables ?? {}, charge);
  const refuse = (message: string) =>
    new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });
  if (cost?.kind === "too many nodes") {
    return refuse(
      `The query has more than ${MAX_QUERY_NODES.toLocaleString("en")} fields and fragments (the limit). Ask for fewer items or fields.`,
    );
  }
  if (cost?.kind === "unmeasured") return refuse(`The query's cost could not be measured: ${cost.reason}`);
  if (cost?.kind === "cost" && cost.cost > MAX_QUERY_COMPLEXITY) {
    return refuse(
      `The query is too complex (cost ${cost.cost}; the limit is ${MAX_QUERY_COMPLEXITY}). Ask for fewer items or fields.`,
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
  const fragments = fragmentsOf(context.getDocument());
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
