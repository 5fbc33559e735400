// GraphQL over WebSocket (graphql-ws) on the api's port: who may open a socket, with which credential,
// how much it may ask for, and when it is closed.
// - Origin: a browser page on another origin is refused; a client without Origin (not a browser)
//   authenticates with a bearer token only — never a cookie (cross-site WebSocket hijacking).
// - Limits: every operation passes the same validation rules and per-request cost check as HTTP; a socket
//   holds at most `maxOperationsPerSocket` operations and a user (or an anonymous address) at most
//   `maxSocketsPerUser` sockets.
// - Kept texts: a text that parsed and validated is kept (by its digest, as Apollo keeps HTTP's), so a
//   repeated subscription is neither parsed, validated nor charged to the budget again, and its events run
//   compiled (jit-executor.ts).
// - Overflow: a subscription more than 1,024 events behind is ended and its socket closed (1012), so the
//   client reconnects and refetches, as after a LISTEN outage.
// - Revocation: a socket is tied to the digest of the credential it opened with. Sign-out or a revoked
//   token NOTIFYs that digest and every api node closes its sockets at once; the credential is also
//   re-checked every `revalidateMs`, so an expired session or a token revoked while this node was not
//   listening is closed within that interval.
import http from "node:http";
import { digest, LruMap } from "@tidings/core";
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { ApiContext, ApiDeps } from "../context.ts";
import { limitRules, MAX_REQUEST_BYTES, operationLimitError, PARSE_LIMITS, scopeError } from "../graphql/limits.ts";
import { budgetSpentError, clientKey, type NewQueryBudget } from "../graphql/new-query-budget.ts";
import { textLength } from "../graphql/jit-executor.ts";
import { SubscriptionOverflowError } from "../graphql/local-pubsub.ts";
import { clientAddressOf } from "./client-ip.ts";
import { type OriginVerdict, originVerdict, ownOrigins } from "./origins.ts";
import { bearerToken, parseCookies, resolveViewer, SESSION_COOKIE } from "./viewer.ts";

export type WebSocketLimits = {
  maxOperationsPerSocket: number;
  maxSocketsPerUser: number;
  /** How often each socket's credential is checked again (expiry, revocation missed by NOTIFY). */
  revalidateMs: number;
};

/** Runs a subscription (`key`: its text and operation); `told` hears how long compiling it took. */
export type Subscribe = (
  args: ExecutionArgs,
  key: string | undefined,
  told: (ms: number) => void,
) => ReturnType<typeof import("graphql").subscribe>;

/**
 * Texts that parsed and validated are kept up to this total length (least recently subscribed forgotten
 * first): a parsed document holds ~60 bytes per character of its text (3 MB for 50 KB, measured), so this
 * is at most ~30 MB; the web app's operations are ~18 KB together.
 */
const KEPT_TEXT_CHARS = 512 * 1024;

type SocketState = {
  owner: string;
  credential: string | null;
  operations: Set<string>;
  timer: NodeJS.Timeout | undefined;
};

type Headers = Pick<http.IncomingHttpHeaders, "cookie" | "authorization">;

/** The digest of the credential a socket authenticates with: a bearer token wins over the cookie. */
const credentialDigest = (headers: Headers, params: Record<string, unknown> | undefined) => {
  const fromParams = typeof params?.authorization === "string" ? params.authorization : undefined;
  const token = bearerToken(headers.authorization) ?? bearerToken(fromParams);
  if (token) return digest(token);
  const session = parseCookies(headers.cookie)[SESSION_COOKIE];
  return session ? digest(session) : null;
};

export const attachGraphqlWebSocket = (
  deps: ApiDeps,
  httpServer: http.Server,
  schema: GraphQLSchema,
  { limits, budget, subscribe }: { limits: WebSocketLimits; budget: NewQueryBudget; subscribe: Subscribe },
) => {
  const { dataSource, log, config } = deps;
  const production = config.NODE_ENV === "production";
  const rules = [...specifiedRules, ...limitRules(production)];
  const origins = ownOrigins(config);
  const addressOf = clientAddressOf(config);
  const verdicts = new WeakMap<http.IncomingMessage, OriginVerdict>();
  const wss = new WebSocketServer({
    server: httpServer,
    path: "/graphql",
    maxPayload: MAX_REQUEST_BYTES,
    verifyClient: (info, done) => {
      const verdict = originVerdict(origins, info.req.headers.origin);
      verdicts.set(info.req, verdict);
      if (verdict === "foreign") {
        log.warn({ origin: info.origin }, "graphql.ws_foreign_origin_refused");
        return done(false, 403, "Origin not allowed");
      }
      done(true);
    },
  });
  /** The headers a socket may authenticate with: the cookie only from our own origin. */
  const headersOf = (request: http.IncomingMessage): Headers =>
    verdicts.get(request) === "own"
      ? request.headers
      : { authorization: request.headers.authorization, cookie: undefined };

  const sockets = new Map<WebSocket, SocketState>();
  const socketsOf = (owner: string) => [...sockets.values()].filter((s) => s.owner === owner).length;
  const closeWhere = (match: (s: SocketState) => boolean, code: number, reason: string) => {
    for (const [socket, state] of sockets) if (match(state)) socket.close(code, reason);
  };
  deps.pubSub.onSessionRevoked((revoked) => closeWhere((s) => s.credential === revoked, 4401, "Signed out"));
  // Events NOTIFYed while this node's LISTEN connection was down never reached its sockets: close them
  // (1012, service restart) so every client reconnects and refetches what it shows.
  deps.pubSub.onReconnect(() => closeWhere(() => true, 1012, "Live events were interrupted"));

  /** A text not kept: parsed and validated, the time charged to the client (new-query-budget.ts). */
  const readNewText = (text: string, owner: string): DocumentNode | { errors: GraphQLError[] } => {
    const reading = performance.now();
    try {
      const document = parse(text, PARSE_LIMITS);
      const errors = validate(schema, document, rules);
      return errors.length ? { errors: [...errors] } : document;
    } catch (err) {
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError("The query could not be parsed.")] };
    } finally {
      budget.charge(owner, performance.now() - reading);
    }
  };

  const viewerOf = (request: http.IncomingMessage, params: Record<string, unknown> | undefined) =>
    resolveViewer(dataSource, headersOf(request), params);

  const kept = new LruMap<string, DocumentNode>(KEPT_TEXT_CHARS, textLength);
  /** Each operation's key (its text's digest and its name), by the arguments onSubscribe returned. */
  const keys = new WeakMap<ExecutionArgs, string>();

  const cleanup = useServer(
    {
      schema,
      subscribe: (args) => {
        const client = (args.contextValue as ApiContext).client;
        return subscribe(args, keys.get(args), (ms) => budget.charge(client, ms));
      },
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const params = ctx.connectionParams ?? undefined;
        const viewer = await viewerOf(request, params);
        const owner = clientKey(viewer, addressOf(request));
        if (socketsOf(owner) >= limits.maxSocketsPerUser) {
          log.warn({ owner: viewer ? viewer.id : "anonymous" }, "graphql.ws_too_many_sockets");
          return false;
        }
        const credential = credentialDigest(headersOf(request), params);
        const state: SocketState = { owner, credential, operations: new Set(), timer: undefined };
        if (viewer && credential) {
          // The credential that opened this socket must stay valid for as long as it is open.
          state.timer = setInterval(() => {
            void viewerOf(request, params)
              .then((now) => {
                if (!now || now.id !== viewer.id) socket.close(4401, "Credential expired or revoked");
              })
              .catch((err) => log.warn({ err }, "graphql.ws_revalidate_failed"));
          }, limits.revalidateMs);
          state.timer.unref();
        }
        sockets.set(socket, state);
        socket.once("close", () => {
          clearInterval(state.timer);
          sockets.delete(socket);
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const state = sockets.get(ctx.extra.socket);
        if (!state) return [new GraphQLError("The connection is closing.")];
        if (state.operations.size >= limits.maxOperationsPerSocket) {
          return [
            new GraphQLError(
              `Too many operations on one connection (the limit is ${limits.maxOperationsPerSocket}); complete some first.`,
            ),
          ];
        }
        // A spent client is refused, kept text or not (as on HTTP).
        const wait = budget.waitMs(state.owner);
        if (wait) return [budgetSpentError(budget.limits, wait)];
        const textKey = digest(payload.query);
        const document = kept.get(textKey) ?? readNewText(payload.query, state.owner);
        if ("errors" in document) return document.errors;
        kept.set(textKey, document);
        const costly = operationLimitError(schema, document, payload.operationName, payload.variables, (ms) =>
          budget.charge(state.owner, ms),
        );
        if (costly) return [costly];
        // Counted before the viewer is read (an await), so operations arriving together meet the cap.
        state.operations.add(id);
        const viewer = await viewerOf(ctx.extra.request, ctx.connectionParams ?? undefined);
        const readOnly = scopeError(document, payload.operationName, viewer);
        if (readOnly) {
          state.operations.delete(id);
          return [readOnly];
        }
        const contextValue: ApiContext = { ...deps, requestId: `ws-${id}`, viewer, client: state.owner };
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
        keys.set(args, `${textKey}\u0000${payload.operationName ?? ""}`);
        return args;
      },
      onComplete: (ctx, id) => {
        sockets.get(ctx.extra.socket)?.operations.delete(id);
      },
      onError: (ctx, id, _payload, errors) => {
        sockets.get(ctx.extra.socket)?.operations.delete(id);
        log.warn({ errors: errors.map((e) => e.message) }, "graphql.ws_error");
        // A subscription that fell more than the limit behind has lost events: as after a LISTEN outage,
        // close the socket (1012) so the client reconnects and refetches what it shows.
        if (errors.some((e) => e.originalError instanceof SubscriptionOverflowError))
          ctx.extra.socket.close(1012, "Live events were interrupted");
      },
    },
    wss,
  );
  // `ws` refuses a message over maxPayload, or a malformed frame, by closing the socket (1009, 1002, …) and
  // emitting "error" on it. graphql-ws answers that event with console.error and a stack trace, so any
  // client could make the api print one at will, outside its logs. Registered after graphql-ws's own
  // handler, this one replaces its listener: the socket is closed already; one structured line instead.
  wss.on("connection", (socket, request) => {
    socket.removeAllListeners("error");
    socket.on("error", (err: Error & { code?: string }) =>
      log.warn({ ip: addressOf(request), code: err.code, reason: err.message }, "graphql.ws_protocol_error"),
    );
  });
  return { dispose: () => cleanup.dispose(), socketCount: () => sockets.size };
};
