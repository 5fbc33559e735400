import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { processStates, readProcessHealth } from "@tidings/core";
import express, { type NextFunction, type Request, type Response } from "express";
import type { GraphQLSchema } from "graphql";
import type { ApiContext, ApiDeps } from "./context.ts";
import { formatError } from "./graphql/format-error.ts";
import { createJitExecutor, type JitOptions, jitGateway, stringifyAndRelease } from "./graphql/jit-executor.ts";
import { limitRules, MAX_REQUEST_BYTES, operationLimitError, PARSE_LIMITS, scopeError } from "./graphql/limits.ts";
import { releaseLoaders } from "./graphql/loaders.ts";
import { budgetSpentError, clientKey, createNewQueryBudget, type NewQueryBudget } from "./graphql/new-query-budget.ts";
import { trustProxySetting } from "./http/client-ip.ts";
import { createExpressHttpServer } from "./http/express-server.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { resolveViewer } from "./http/viewer.ts";
import { attachGraphqlWebSocket, type WebSocketLimits } from "./http/websocket.ts";
import { authRouter } from "./routes/auth.ts";
import { PUBLIC_ROUTERS, VIEWER_ROUTERS } from "./routes/index.ts";

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");

/** A module's routes (mail webhook, uploads, unsubscribe), mounted after the viewer is resolved. */
export type RouterFactory = (deps: ApiDeps) => express.Router;

export type CreateServerOptions = {
  schema: GraphQLSchema;
  webDist?: string | null;
  /** Mounted before the viewer is resolved; defaults to PUBLIC_ROUTERS (mail webhook, unsubscribe). */
  publicRouters?: RouterFactory[];
  /** Mounted after the viewer is resolved (res.locals.viewer); defaults to VIEWER_ROUTERS (uploads). */
  routers?: RouterFactory[];
  /** Overrides of the WebSocket limits (tests shorten the revalidation interval). */
  webSocket?: Partial<WebSocketLimits>;
  /** The time each client may cost the api in new query texts (tests pass small limits and a clock). */
  newQueryBudget?: NewQueryBudget;
  /** When operations are compiled (the api tests compile on the first run, so every query and subscription they send runs compiled). */
  jit?: Partial<JitOptions>;
};

/** Room for a few tabs of the SPA (each opens one socket with a handful of subscriptions). */
export const WEBSOCKET_LIMITS: WebSocketLimits = {
  maxOperationsPerSocket: 50,
  maxSocketsPerUser: 20,
  revalidateMs: 30_000,
};

/** Builds the api process's HTTP + WebSocket server without listening (so tests can start it). */
export const createServer = async (deps: ApiDeps, options: CreateServerOptions) => {
  const { dataSource, log } = deps;
  const production = deps.config.NODE_ENV === "production";
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(deps.config));
  app.use(securityHeaders(deps.config));
  const httpServer = createExpressHttpServer(app);
  const budget = options.newQueryBudget ?? createNewQueryBudget();
  // Queries and subscriptions run compiled once they repeat (jit-executor.ts), one kept set for both
  // transports. Compiling a text is charged to the client's budget, like parsing and validating it.
  const jit = createJitExecutor(options.schema, options.jit, (rc, ms) =>
    budget.charge((rc.context as ApiContext).client, ms),
  );

  // GraphQL over WebSocket on the same port and path (origin rule, limits, revocation: websocket.ts).
  const ws = attachGraphqlWebSocket(deps, httpServer, options.schema, {
    limits: { ...WEBSOCKET_LIMITS, ...options.webSocket },
    budget,
    subscribe: jit.subscribe,
  });

  const apollo = new ApolloServer<ApiContext>({
    gateway: jitGateway(options.schema, jit.executor),
    formatError,
    csrfPrevention: true,
    parseOptions: PARSE_LIMITS,
    validationRules: limitRules(production),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    // Issue 14.4: compact JSON (Apollo indents by default), the data let go once serialized
    // (stringifyAndRelease says why), and no cache-control plugin, whose per-field hook wraps every
    // resolver (no response here is cacheable by a CDN: all are per viewer).
    stringifyResult: stringifyAndRelease,
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => ws.dispose() }) },
      {
        requestDidStart: async ({ contextValue }) => {
          // A query text Apollo has not kept is parsed and validated: the time is charged to the client
          // (new-query-budget.ts). A kept one skips both hooks and costs nothing here.
          let parsing = 0;
          const charge = () => budget.charge(contextValue.client, performance.now() - parsing);
          return {
            parsingDidStart: async () => {
              parsing = performance.now();
              return async (error?: Error) => {
                if (error) charge();
              };
            },
            validationDidStart: async () => async () => charge(),
            // The cost of THIS request, with its variables (never cached by query text); computing one
            // not kept is charged like parsing and validating.
            didResolveOperation: async ({ schema, document, request, contextValue }) => {
              const error =
                operationLimitError(schema, document, request.operationName, request.variables, (ms) =>
                  budget.charge(contextValue.client, ms),
                ) ?? scopeError(document, request.operationName, contextValue.viewer);
              if (error) throw error;
            },
            // The response is built: the request's loaders (and the rows they hold) are let go (loaders.ts).
            willSendResponse: async ({ contextValue }) => releaseLoaders(contextValue),
            didEncounterErrors: async ({ errors }) => {
              for (const err of errors) {
                if (!err.extensions?.code || err.extensions.code === "INTERNAL_SERVER_ERROR") {
                  log.error({ err: err.originalError ?? err, requestId: contextValue.requestId }, "graphql.error");
                }
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get("/-/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  // 200 while this api can serve (its database answers); the body names any other part that is down
  // (e.g. `"worker": "down"` while the worker crash-loops), so a person or a monitor sees which one.
  app.get("/-/readiness", async (_req, res) => {
    try {
      const parts = processStates(await readProcessHealth(dataSource.manager));
      const degraded = Object.values(parts).includes("down");
      res.json({ status: degraded ? "degraded" : "ok", database: "ok", ...parts });
    } catch {
      res.status(503).json({ status: "error", database: "unreachable" });
    }
  });

  app.use(authRouter(deps));
  for (const router of options.publicRouters ?? PUBLIC_ROUTERS) app.use(router(deps));

  // Every dynamic route below sees the viewer (cookie session or bearer token) in res.locals.viewer.
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      res.locals.viewer = await resolveViewer(dataSource, req.headers);
      next();
    } catch (err) {
      next(err);
    }
  });
  for (const router of options.routers ?? VIEWER_ROUTERS) app.use(router(deps));

  app.use(
    "/graphql",
    // A client that spent its time in new query texts waits, before its body is even read.
    (req: Request, res: Response, next: NextFunction) => {
      res.locals.client = clientKey(res.locals.viewer ?? null, req.ip);
      const wait = budget.waitMs(res.locals.client);
      if (!wait) return next();
      res
        .status(429)
        .set("Retry-After", String(Math.ceil(wait / 1000)))
        .json({ errors: [budgetSpentError(budget.limits, wait).toJSON()] });
    },
    express.json({ limit: MAX_REQUEST_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ res }) => ({
        ...deps,
        requestId: randomUUID(),
        viewer: res.locals.viewer ?? null,
        client: res.locals.client,
      }),
    }),
  );

  const webDist = options.webDist === undefined ? WEB_DIST : options.webDist;
  if (webDist && fs.existsSync(path.join(webDist, "index.html"))) {
    app.use(express.static(webDist, { index: false, maxAge: "1h" }));
    // Deep links (/demo/app/-/issues/3) load the SPA; its router takes over.
    app.get(/^\/(?!graphql|auth\/|-\/|uploads\/).*/, (_req, res) => {
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(path.join(webDist, "index.html"));
    });
  } else {
    app.get("/", (_req, res) => {
      res.type("text/plain").send("The web app is not built. Run `npm run build:web` (npm start does it for you).");
    });
  }

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Client errors raised by body parsers (malformed JSON, too large) keep their 4xx status.
    const status =
      (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      if (!res.headersSent) {
        res
          .status(status)
          .json({ message: status === 413 ? "The request is too large." : "The request body is not valid." });
      }
      return;
    }
    log.error({ err }, "http.error");
    if (!res.headersSent) res.status(500).json({ message: "Internal server error" });
  });

  return {
    app,
    httpServer,
    /** How operations ran, compiled or interpreted (the api tests read it). */
    jitStats: jit.stats,
    listen: (port: number, host: string) =>
      new Promise<number>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as { port: number }).port));
      }),
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
};
