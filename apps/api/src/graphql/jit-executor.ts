// Issue 14.4: queries run as compiled JavaScript (graphql-jit) once the same operation has run before.
// graphql-js interprets every field of every row (a 50-issue list page is ~2,000 field executions, each
// with its own path object, promise check and completion), and that was most of what a list request
// allocated. graphql-jit compiles an operation once into straight-line code calling the SAME resolvers
// (type-graphql's authorisation and validation run inside them, unchanged); the compiled form is kept per
// operation text in an LRU bounded by the texts' length (JitOptions.maxTextChars).
//
// Queries, and subscriptions' events: a mutation runs once per action and is interpreted (nothing to gain,
// and its order and error handling stay graphql-js's own). A subscription runs its selection once per
// event per subscriber, which is where a fan-out to many subscribers spends its time (issue 14.5). An
// operation is compiled on its second run, as Mercurius does with its `jit` threshold: a one-off query (a
// client exploring, a probe) costs one interpretation, never a compilation; the web app's operations
// repeat and are compiled at once. One the compiler refuses runs interpreted, always.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  GraphQLError,
  type GraphQLSchema,
  getVariableValues,
  print,
  printSchema,
  subscribe as interpretSubscription,
} from "graphql";
import { LruMap } from "@tidings/core";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";

export type JitOptions = {
  /** The run of an operation at which it is compiled (1: its first). */
  compileOnRun: number;
  /**
   * The operations remembered, by the total length of their texts (least recently run forgotten first): a
   * compiled operation holds ~130 bytes per character of its text (6.6 MB for a 50 KB text of 1,600
   * aliased fields, measured), so a bound on their number alone let 500 large texts hold gigabytes.
   */
  maxTextChars: number;
};

/** 512 Ki characters: ~30 times the web app's operations together (~18 KB), at most ~70 MB compiled. */
export const JIT_DEFAULTS: JitOptions = { compileOnRun: 2, maxTextChars: 512 * 1024 };

/** The length of the text a document was parsed from (what it and its compiled form grow with). */
export const textLength = (document: DocumentNode): number =>
  document.loc ? document.loc.source.body.length : print(document).length;

type Entry = { runs: number; chars: number; compiled: CompiledQuery | "refused" | null };

/**
 * graphql-jit's errors borrow GraphQLError's prototype without its constructor: no `extensions` object when
 * the resolver's error had none, and Apollo, which reads `error.extensions.code`, then failed to format
 * them and answered without their path. Each becomes a GraphQLError proper with the same message, path,
 * locations, extensions and original error (graphql-js's own located error, field for field).
 */
const asGraphQLError = (e: GraphQLFormattedError & { originalError?: Error | null }): GraphQLError => {
  const error = new GraphQLError(e.message, {
    path: e.path,
    originalError: e.originalError ?? undefined,
    extensions: e.extensions,
  });
  if (e.locations) Object.assign(error, { locations: e.locations });
  return error;
};

/** A compiled result's errors as GraphQLErrors proper (asGraphQLError). */
const withGraphQLErrors = (result: ExecutionResult): ExecutionResult =>
  result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof Object(value)[Symbol.asyncIterator] === "function";

/**
 * The source stream's events, each turned into its result by `map`; ending (return) or failing (throw)
 * ends the source too, as graphql-js's own mapping of a subscription does.
 */
const mapEvents = (
  source: AsyncIterable<unknown>,
  map: (event: unknown) => Promise<ExecutionResult>,
): AsyncGenerator<ExecutionResult, void, void> => {
  const events = source[Symbol.asyncIterator]();
  let ended = false;
  const end = async (): Promise<IteratorResult<ExecutionResult, void>> => {
    if (!ended) {
      ended = true;
      await events.return?.();
    }
    return { done: true, value: undefined };
  };
  const mapped: AsyncGenerator<ExecutionResult, void, void> = {
    next: async () => {
      if (ended) return { done: true, value: undefined };
      const event = await events.next();
      return event.done ? { done: true, value: undefined } : { done: false, value: await map(event.value) };
    },
    return: end,
    throw: async (error: unknown) => {
      await end();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
};

/**
 * A subscription whose events run through the compiled selection: graphql-js opens the source stream (the
 * field's arguments, from the variables, as graphql-js reads them), and each event is the root value of the
 * compiled operation. graphql-jit's own `subscribe` is not used: it hands the subscribe resolver the
 * operation's variables as the field's arguments (0.8.9), so `issueUpdated(projectPath: $p)` would read no
 * `projectPath`.
 */
const subscribeCompiled = async (args: ExecutionArgs, compiled: CompiledQuery) => {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const variables = args.variableValues ?? {};
  return mapEvents(stream, async (event) =>
    withGraphQLErrors(await compiled.query(event, args.contextValue, variables)),
  );
};

/** What the executor did with each operation (the tests read it): runs of queries, and subscriptions. */
export type JitStats = {
  compiled: number;
  refused: number;
  interpreted: number;
  jitted: number;
  subscriptionsInterpreted: number;
  subscriptionsJitted: number;
};

/** Told how long each compilation took, with its request (the api charges it to the client's budget). */
export type OnCompiled = (rc: GatewayGraphQLRequestContext, ms: number) => void;

export const createJitExecutor = (
  schema: GraphQLSchema,
  options: Partial<JitOptions> = {},
  onCompiled: OnCompiled = () => undefined,
) => {
  const { compileOnRun, maxTextChars } = { ...JIT_DEFAULTS, ...options };
  const operations = new LruMap<string, Entry>(maxTextChars, (entry) => entry.chars);
  const stats: JitStats = {
    compiled: 0,
    refused: 0,
    interpreted: 0,
    jitted: 0,
    subscriptionsInterpreted: 0,
    subscriptionsJitted: 0,
  };

  /** The operation's entry, now the most recently run; null for a text too long to keep. */
  const entryOf = (key: string, document: DocumentNode): Entry | null => {
    const found = operations.get(key);
    if (found) return found;
    const entry: Entry = { runs: 0, chars: textLength(document), compiled: null };
    operations.set(key, entry);
    return operations.peek(key) === entry ? entry : null;
  };

  const interpret = (rc: GatewayGraphQLRequestContext): Promise<ExecutionResult> | ExecutionResult => {
    stats.interpreted++;
    return execute({
      schema,
      document: rc.document,
      contextValue: rc.context,
      variableValues: rc.request.variables,
      operationName: rc.request.operationName,
    });
  };

  /**
   * The operation's compiled form once it has run often enough and the compiler took it; else null (a text
   * too long to keep is never compiled: it would be compiled again at each run).
   */
  const compiledFor = (
    key: string,
    document: DocumentNode,
    operationName: string | null | undefined,
    told: (ms: number) => void,
  ): CompiledQuery | null => {
    const entry = entryOf(key, document);
    if (!entry) return null;
    entry.runs++;
    if (entry.compiled === null && entry.runs >= compileOnRun) {
      const compiling = performance.now();
      const compiled = compileQuery(schema, document, operationName ?? undefined);
      told(performance.now() - compiling);
      entry.compiled = isCompiledQuery(compiled) ? compiled : "refused";
      stats[entry.compiled === "refused" ? "refused" : "compiled"]++;
    }
    return entry.compiled === null || entry.compiled === "refused" ? null : entry.compiled;
  };

  const executor: GatewayExecutor = async (rc) => {
    if (rc.operation.operation !== "query") return interpret(rc);
    const key = `${rc.queryHash}\u0000${rc.request.operationName ?? ""}`;
    const compiled = compiledFor(key, rc.document, rc.request.operationName, (ms) => onCompiled(rc, ms));
    if (!compiled) return interpret(rc);
    // Variables are checked by graphql-js first, so a bad one gets graphql-js's own error, the one Apollo
    // answers as BAD_USER_INPUT (graphql-jit words it differently and names no variable node).
    const variables = rc.request.variables ?? {};
    const checked = getVariableValues(schema, rc.operation.variableDefinitions ?? [], variables);
    if (checked.errors) return { errors: checked.errors };
    stats.jitted++;
    return withGraphQLErrors(await compiled.query(undefined, rc.context, variables));
  };

  /**
   * graphql-ws's `subscribe`: a subscription (`key` names its text and operation, in a key space of its
   * own; without one it is interpreted) whose events run compiled once it has been subscribed to before;
   * `told` hears how long a compilation took.
   */
  const subscribe = (args: ExecutionArgs, key: string | undefined, told: (ms: number) => void) => {
    const compiled =
      key === undefined ? null : compiledFor(`subscription\u0000${key}`, args.document, args.operationName, told);
    stats[compiled ? "subscriptionsJitted" : "subscriptionsInterpreted"]++;
    return compiled ? subscribeCompiled(args, compiled) : interpretSubscription(args);
  };

  return { executor, subscribe, stats, operations: () => operations.size, keptChars: () => operations.weight };
};

/**
 * Apollo Server hands execution to a "gateway" (its one hook for another executor): this one serves a
 * fixed schema and runs operations with the executor of `createJitExecutor`. Parsing, validation (the
 * limits), plugins, error formatting and the HTTP layer stay Apollo's. Serialize its responses with
 * `stringifyAndRelease`.
 */
export const jitGateway = (schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface => ({
  onSchemaLoadOrUpdate: (callback) => {
    callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
    return () => undefined;
  },
  load: async () => ({ executor }),
  stop: async () => undefined,
});

/**
 * Apollo's `stringifyResult` for an api behind `jitGateway`: the response's JSON, and then its data let go.
 *
 * Why (issue 14.4): Apollo hands a gateway's executor a copy of the request context whose
 * `response.http.status` is a getter and setter made for each request (Apollo's
 * makeGatewayGraphQLRequestContext), closures over the whole context: its response, with the data just
 * serialized. In V8, what such an accessor pair holds outlives the young-generation collections until a
 * full one, so every request's result was copied into the old generation. Measured with a 300-item query
 * on a bare Apollo server: 6 KB promoted per scavenge without a gateway, 1,287 KB with one, 69 KB with one
 * and this; on the api's issue list at 1M issues, 634–1,246 KB fell to 165 KB and scavenges of 4.5–5.7 ms
 * to 2.1–2.9 ms. Nothing reads the data after it is serialized: the plugins' last hook (willSendResponse)
 * has run. The request's loaders are let go in that hook (loaders.ts releaseLoaders); its data cannot be,
 * since Apollo serializes it afterwards.
 */
export const stringifyAndRelease = (result: FormattedExecutionResult): string => {
  const json = JSON.stringify(result);
  const data: Record<string, unknown> | null | undefined = result.data;
  if (data) for (const key of Object.keys(data)) delete data[key];
  return json;
};
