import { ApolloServer, type GraphQLResponse, HeaderMap } from "@apollo/server";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import {
  type ExecutionResult,
  execute,
  GraphQLError,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  Kind,
  type OperationDefinitionNode,
  parse,
  subscribe as interpretSubscription,
} from "graphql";
import { describe, expect, it } from "vitest";
import { createJitExecutor, jitGateway, stringifyAndRelease } from "./jit-executor.ts";

/** Items whose `note` fails as a resolver can: a plain error, or a GraphQL error with a code. */
const Item = new GraphQLObjectType<{ name: string }>({
  name: "Item",
  fields: {
    name: { type: new GraphQLNonNull(GraphQLString) },
    note: {
      type: GraphQLString,
      resolve: async ({ name }) => {
        if (name === "plain") throw new Error("the notes table is away");
        if (name === "coded") throw new GraphQLError("not yours", { extensions: { code: "FORBIDDEN" } });
        return `note of ${name}`;
      },
    },
  },
});
let writes = 0;
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      items: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Item))),
        args: { first: { type: GraphQLInt } },
        resolve: (_root, { first }: { first?: number | null }, ctx: { names: string[] }) =>
          ctx.names.slice(0, first ?? undefined).map((name) => ({ name })),
      },
    },
  }),
  mutation: new GraphQLObjectType({
    name: "Mutation",
    fields: { touch: { type: GraphQLInt, resolve: () => ++writes } },
  }),
});

const request = (text: string, variables: Record<string, unknown> = {}, names = ["a", "b"]) => {
  const document = parse(text);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return {
    document,
    operation,
    queryHash: text,
    request: { query: text, variables },
    context: { names },
  } as unknown as GatewayGraphQLRequestContext;
};

/** The same request run by graphql-js alone, as JSON (what a client receives before formatting). */
const interpreted = async (rc: GatewayGraphQLRequestContext) =>
  JSON.parse(
    JSON.stringify(
      await execute({
        schema,
        document: rc.document,
        contextValue: rc.context,
        variableValues: rc.request.variables,
      }),
    ),
  );
const asJson = (r: ExecutionResult) => JSON.parse(JSON.stringify(r));

const LIST = "query List($first: Int) { items(first: $first) { name note } }";

describe("queries run compiled once they repeat (graphql-jit)", () => {
  it("runs an operation interpreted first, compiled from its second run, with graphql-js's result", async () => {
    const { executor, stats } = createJitExecutor(schema);
    const rc = request(LIST, { first: 2 });
    const first = asJson(await executor(rc));
    expect(stats).toMatchObject({ compiled: 0, interpreted: 1, jitted: 0 });
    const second = asJson(await executor(rc));
    const third = asJson(await executor(request(LIST, { first: 1 })));
    expect(stats).toMatchObject({ compiled: 1, refused: 0, interpreted: 1, jitted: 2 });
    expect(first).toEqual({
      data: {
        items: [
          { name: "a", note: "note of a" },
          { name: "b", note: "note of b" },
        ],
      },
    });
    expect(second).toEqual(first);
    expect(third).toEqual(await interpreted(request(LIST, { first: 1 })));
  });

  it("tells how long each compilation took, with the request it compiled, and only then", async () => {
    const told: { rc: GatewayGraphQLRequestContext; ms: number }[] = [];
    const { executor } = createJitExecutor(schema, {}, (rc, ms) => told.push({ rc, ms }));
    const first = request(LIST, { first: 2 });
    const second = request(LIST, { first: 1 });
    await executor(first);
    expect(told).toEqual([]);
    await executor(second);
    await executor(request(LIST, { first: 2 }));
    expect(told).toHaveLength(1);
    expect(told[0].rc).toBe(second);
    expect(told[0].ms).toBeGreaterThan(0);
  });

  it("keeps a failing field's path, locations and code as graphql-js does, and Apollo's `extensions` object", async () => {
    const { executor, stats } = createJitExecutor(schema, { compileOnRun: 1 });
    const rc = request(LIST, {}, ["a", "plain", "coded"]);
    const result = await executor(rc);
    expect(stats.jitted).toBe(1);
    expect(asJson(result)).toEqual(await interpreted(rc));
    expect(asJson(result).errors).toHaveLength(2);
    for (const error of result.errors ?? []) {
      expect(error).toBeInstanceOf(GraphQLError);
      // Apollo reads error.extensions.code; graphql-jit's own errors had no extensions object at all.
      expect((error as GraphQLError).extensions).toBeTypeOf("object");
      expect((error as GraphQLError).originalError).toBeInstanceOf(Error);
    }
  });

  it("answers a bad variable with graphql-js's own error (the one Apollo calls BAD_USER_INPUT)", async () => {
    const { executor } = createJitExecutor(schema, { compileOnRun: 1 });
    const rc = request(LIST, { first: "many" });
    const result = await executor(rc);
    expect(asJson(result)).toEqual(await interpreted(rc));
    expect((result.errors?.[0] as GraphQLError | undefined)?.nodes?.[0]?.kind).toBe(Kind.VARIABLE_DEFINITION);
  });

  it("never compiles a mutation", async () => {
    const { executor, stats } = createJitExecutor(schema, { compileOnRun: 1 });
    const before = writes;
    for (let i = 0; i < 3; i++) await executor(request("mutation { touch }"));
    expect(writes).toBe(before + 3);
    expect(stats).toMatchObject({ compiled: 0, interpreted: 3, jitted: 0 });
  });

  it("runs an operation the compiler refuses interpreted, every time", async () => {
    const { executor, stats } = createJitExecutor(schema, { compileOnRun: 1 });
    // Apollo's validation would stop this one first; the compiler refuses it too (no such type).
    const rc = request("query ($n: Nothing) { items { name } }");
    await executor(rc);
    await executor(rc);
    expect(stats).toMatchObject({ compiled: 0, refused: 1, interpreted: 2, jitted: 0 });
  });

  it("remembers operations up to a total length of their texts, forgetting the least recently run", async () => {
    const [ONE, TWO, THREE] = [
      "query One { items { name } }",
      "query Two { items { note } }",
      "query Three { items { name note } }",
    ];
    // Room for One and Three, or Two and Three, not for all three.
    const maxTextChars = ONE.length + THREE.length;
    const { executor, operations, stats } = createJitExecutor(schema, { compileOnRun: 2, maxTextChars });
    const one = request(ONE);
    const two = request(TWO);
    const three = request(THREE);
    await executor(one);
    await executor(two);
    await executor(one); // compiled; now the most recent
    await executor(three); // forgets Two
    expect(operations()).toBe(2);
    await executor(two); // a first run again: interpreted
    expect(stats).toMatchObject({ compiled: 1, jitted: 1, interpreted: 4 });
    await executor(one); // forgotten too (by Two's return): interpreted again, then compiled once more
    await executor(one);
    expect(stats).toMatchObject({ compiled: 2, jitted: 2, interpreted: 5 });
  });

  it("never compiles a text longer than all it may keep, however often it runs", async () => {
    const long = `query Long { ${"items { name } ".repeat(20)}}`;
    const { executor, operations, keptChars, stats } = createJitExecutor(schema, {
      compileOnRun: 1,
      maxTextChars: long.length - 1,
    });
    await executor(request(LIST, { first: 1 }));
    for (let i = 0; i < 3; i++) await executor(request(long));
    expect(stats).toMatchObject({ compiled: 1, jitted: 1, interpreted: 3 });
    // What was kept stays kept.
    expect([operations(), keptChars()]).toEqual([1, LIST.length]);
  });
});

describe("subscriptions' events run compiled once the subscription repeats", () => {
  /** Ticks of a channel; `failing` ticks fail in their field's resolver, as a resolver can. */
  const Tick = new GraphQLObjectType<{ n: number; channel: string }>({
    name: "Tick",
    fields: {
      n: { type: new GraphQLNonNull(GraphQLInt) },
      channel: { type: new GraphQLNonNull(GraphQLString) },
      label: {
        type: GraphQLString,
        resolve: ({ n }) => {
          if (n === 2) throw new GraphQLError("tick 2 is not yours", { extensions: { code: "FORBIDDEN" } });
          return `tick ${n}`;
        },
      },
    },
  });
  /** What each subscribe resolver call received as the field's arguments, and each stream's end. */
  const opened: Record<string, unknown>[] = [];
  let ended = 0;
  const ticks = (channel: string): AsyncIterableIterator<{ n: number; channel: string }> => {
    let n = 0;
    const it: AsyncIterableIterator<{ n: number; channel: string }> = {
      next: async () => (n < 3 ? { done: false, value: { n: ++n, channel } } : { done: true, value: undefined }),
      return: async () => {
        ended++;
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  };
  const subscriptionSchema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLInt } } }),
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: {
        ticks: {
          type: Tick,
          args: { channel: { type: new GraphQLNonNull(GraphQLString) } },
          subscribe: (_root, args: { channel: string }) => {
            opened.push(args);
            return ticks(args.channel);
          },
          resolve: (tick) => tick,
        },
      },
    }),
  });
  // The variable is named unlike the argument: graphql-jit's own `subscribe` passes the variables as the
  // field's arguments, and would open the stream with no `channel`.
  const TICKS = "subscription Ticks($c: String!) { ticks(channel: $c) { n channel label } }";
  const args = (variables: Record<string, unknown> = { c: "news" }) => ({
    schema: subscriptionSchema,
    document: parse(TICKS),
    variableValues: variables,
  });
  const drain = async (stream: unknown) => {
    const results: unknown[] = [];
    for await (const r of stream as AsyncIterable<ExecutionResult>) results.push(asJson(r));
    return results;
  };

  it("delivers what graphql-js delivers, with the field's arguments read from the variables", async () => {
    const { subscribe, stats } = createJitExecutor(subscriptionSchema, { compileOnRun: 2 });
    const told: number[] = [];
    const first = await drain(await subscribe(args(), "ticks", (ms) => told.push(ms)));
    expect(stats).toMatchObject({ subscriptionsInterpreted: 1, subscriptionsJitted: 0 });
    expect(told).toEqual([]);
    const second = await drain(await subscribe(args(), "ticks", (ms) => told.push(ms)));
    expect(stats).toMatchObject({ compiled: 1, subscriptionsInterpreted: 1, subscriptionsJitted: 1 });
    expect(told).toHaveLength(1);
    expect(opened.slice(-2)).toEqual([{ channel: "news" }, { channel: "news" }]);
    expect(second).toEqual(first);
    expect(first).toHaveLength(3);
    expect(first[0]).toEqual({ data: { ticks: { n: 1, channel: "news", label: "tick 1" } } });
    // A failing field: its path and code, as graphql-js gives them.
    expect(first[1]).toMatchObject({
      data: { ticks: { n: 2, label: null } },
      errors: [{ message: "tick 2 is not yours", path: ["ticks", "label"], extensions: { code: "FORBIDDEN" } }],
    });
  });

  it("ends the source stream when the subscriber ends, and delivers nothing after", async () => {
    const { subscribe, stats } = createJitExecutor(subscriptionSchema, { compileOnRun: 1 });
    const before = ended;
    const stream = (await subscribe(args(), "ticks", () => undefined)) as AsyncGenerator<ExecutionResult>;
    expect(stats.subscriptionsJitted).toBe(1);
    expect(asJson((await stream.next()).value)).toEqual({
      data: { ticks: { n: 1, channel: "news", label: "tick 1" } },
    });
    await stream.return(undefined);
    expect(ended).toBe(before + 1);
    expect((await stream.next()).done).toBe(true);
  });

  it("answers a bad variable with graphql-js's error, and interprets a subscription without a key", async () => {
    const { subscribe, stats } = createJitExecutor(subscriptionSchema, { compileOnRun: 1 });
    const refused = (await subscribe(args({ c: 7 }), "ticks", () => undefined)) as ExecutionResult;
    expect(asJson(refused)).toEqual(asJson((await interpretSubscription(args({ c: 7 }))) as ExecutionResult));
    expect(refused.errors?.[0]?.message).toMatch(/\$c/);
    await drain(await subscribe(args(), undefined, () => undefined));
    await drain(await subscribe(args(), undefined, () => undefined));
    expect(stats).toMatchObject({ compiled: 1, subscriptionsJitted: 1, subscriptionsInterpreted: 2 });
  });
});

describe("behind Apollo's gateway hook, a response's data is let go once serialized", () => {
  it("answers the full JSON, and what the request context still reaches afterwards holds no data", async () => {
    // What Apollo's gateway shim keeps reachable until a full collection (stringifyAndRelease says why).
    let kept: GraphQLResponse | undefined;
    const apollo = new ApolloServer<{ names: string[] }>({
      gateway: jitGateway(schema, createJitExecutor(schema).executor),
      stringifyResult: stringifyAndRelease,
      plugins: [
        {
          requestDidStart: async () => ({
            willSendResponse: async ({ response }) => {
              kept = response;
            },
          }),
        },
      ],
    });
    await apollo.start();
    try {
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: "POST",
          headers: new HeaderMap([["content-type", "application/json"]]),
          search: "",
          body: { query: LIST, variables: { first: 2 } },
        },
        context: async () => ({ names: ["a", "b"] }),
      });
      expect(response.body.kind === "complete" && JSON.parse(response.body.string)).toEqual({
        data: {
          items: [
            { name: "a", note: "note of a" },
            { name: "b", note: "note of b" },
          ],
        },
      });
      expect(kept?.body.kind === "single" && kept.body.singleResult.data).toEqual({});
    } finally {
      await apollo.stop();
    }
  });
});
