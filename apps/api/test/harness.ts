// Starts a real api (HTTP + WebSocket) on a free loopback port over a test database.
import { loadConfig } from "@tidings/config";
import { createLogger, mailSettingsFromConfig, seedDemo } from "@tidings/core";
import type { TestDatabase } from "@tidings/db/testing";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { createPgPubSub } from "../src/graphql/pubsub.ts";
import { buildApiSchema } from "../src/graphql/schema.ts";
import type { NewQueryBudget } from "../src/graphql/new-query-budget.ts";
import type { WebSocketLimits } from "../src/http/websocket.ts";
import { createServer, type RouterFactory } from "../src/server.ts";

export const DEMO_PASSWORD = "demo-password-123";

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

export const startTestApi = async (
  db: TestDatabase,
  opts: {
    env?: Record<string, string>;
    routers?: RouterFactory[];
    seed?: boolean;
    logLevel?: string;
    webSocket?: Partial<WebSocketLimits>;
    newQueryBudget?: NewQueryBudget;
  } = {},
) => {
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", PORT: "0", ...opts.env });
  if (opts.seed !== false) await db.dataSource.transaction((m) => seedDemo(m, { password: DEMO_PASSWORD }));
  const log = createLogger(opts.logLevel ?? "silent");
  const pubSub = await createPgPubSub(db.url, log);
  // Counts subscriptions the server has opened on the PubSub, so a test can wait until it listens, and
  // every pull of an event from the PubSub: a subscription pulls its next event only once it has finished
  // with the previous one (authorised, filtered or sent). That is the barrier for "nothing arrived".
  let subscriptionsOpened = 0;
  let pulls = 0;
  const subscribeTopic = pubSub.subscribe.bind(pubSub);
  pubSub.subscribe = ((...args: Parameters<typeof subscribeTopic>) => {
    subscriptionsOpened++;
    const source = subscribeTopic(...args);
    const iterator = source[Symbol.asyncIterator]();
    const counted: AsyncIterableIterator<unknown> = {
      next: (...a: []) => {
        pulls++;
        return iterator.next(...a);
      },
      return: (v?: unknown) => iterator.return?.(v) ?? Promise.resolve({ done: true, value: v }),
      throw: (e?: unknown) => iterator.throw?.(e) ?? Promise.reject(e),
      [Symbol.asyncIterator]() {
        return counted;
      },
    };
    return counted;
  }) as typeof pubSub.subscribe;
  const schema = await buildApiSchema(pubSub);
  const server = await createServer(
    { config, dataSource: db.dataSource, log, pubSub, mail: mailSettingsFromConfig(config) },
    // The same routes as main.ts (createServer's defaults) unless a test passes its own.
    {
      schema,
      webDist: null,
      webSocket: opts.webSocket,
      newQueryBudget: opts.newQueryBudget,
      // Every query a test sends runs compiled (graphql-jit), so the suite proves the compiled path; the
      // interpreted one (an operation's first run in production) is graphql-js itself.
      jit: { compileOnRun: 1 },
      ...(opts.routers ? { publicRouters: [], routers: opts.routers } : {}),
    },
  );
  const port = await server.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${port}`;

  /** Signs in through POST /auth/sign_in and returns the session cookie ("name=value"). */
  const signIn = async (login: string, password = DEMO_PASSWORD) => {
    const res = await fetch(`${url}/auth/sign_in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in as ${login} failed: ${res.status}`);
    return (res.headers.get("set-cookie") ?? "").split(";")[0];
  };

  /** POSTs a GraphQL operation as the given cookie (or anonymous). */
  const graphql = async <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    auth: { cookie?: string; token?: string } = {},
    /** Which operation of a document that holds several (the web app's .graphql files). */
    operationName?: string,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    const body = JSON.stringify({ query, variables, operationName });
    const res = await fetch(`${url}/graphql`, { method: "POST", headers, body });
    return res.json() as Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  };

  /**
   * Opens a graphql-ws subscription as the given cookie/token (anonymous without), collecting every
   * `data` payload and error; `opened` resolves once the server subscribed to its topic.
   */
  const subscribe = <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    auth: { cookie?: string; token?: string; headers?: Record<string, string> } = {},
  ) => {
    // As a browser on the app's own page would: the Origin is PUBLIC_URL's (the cookie counts only then).
    const headers: Record<string, string> = { origin: new URL(config.PUBLIC_URL).origin, ...auth.headers };
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    class AuthWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: AuthWebSocket,
      retryAttempts: 0,
    });
    const events: T[] = [];
    const errors: unknown[] = [];
    let completed = false;
    const before = subscriptionsOpened;
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (value) => {
          if (value.data) events.push(value.data as T);
          if (value.errors) errors.push(...value.errors);
        },
        error: (err) => errors.push(err),
        complete: () => {
          completed = true;
        },
      },
    );
    return {
      events,
      errors,
      /** The server ended the stream (a subscription whose viewer may not, or no longer, read it). */
      completed: () => completed,
      /** Resolves when the server has subscribed (or the subscription failed). */
      opened: () => waitFor(() => subscriptionsOpened > before || errors.length > 0, 5000),
      /**
       * A round trip on this subscription's socket: whatever the server sent on it before answering has
       * reached the client when this resolves (one socket, in order). With `pulls`, proves "nothing came".
       */
      flush: () =>
        new Promise<void>((resolve) => {
          client.subscribe(
            { query: "{ __typename }" },
            { next: () => undefined, error: () => resolve(), complete: () => resolve() },
          );
        }),
      close: async () => {
        dispose();
        await client.dispose();
      },
    };
  };

  return {
    url,
    port,
    config,
    /** The server's schema (a test may wrap a field's resolver to watch it). */
    schema,
    signIn,
    graphql,
    subscribe,
    subscriptionsOpened: () => subscriptionsOpened,
    /** How the server ran operations: compiled or interpreted, queries and subscriptions (jit-executor.ts). */
    jitStats: server.jitStats,
    /** Pulls of events from the PubSub by all server-side subscriptions (see above). */
    pulls: () => pulls,
    close: async () => {
      await server.close();
      await pubSub.close();
    },
  };
};

/** Polls until the condition holds; fails after the timeout. */
export const waitFor = async (condition: () => boolean | Promise<boolean>, timeoutMs = 2000, what = "condition") => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
