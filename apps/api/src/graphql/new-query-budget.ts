// Per client, the time the api may spend on query texts it has not seen: parsing and validating them,
// compiling one when it runs a second time (jit-executor.ts), and walking one again for its cost when a new
// page size asks for it (limits.ts). The api keeps each validated text (Apollo's
// document store) and its compiled form, so a browser pays this once per api process for each of the web
// app's ~30 operations, and then never again; a client that sends text after new text makes the api's one
// event loop parse and validate each one, and some documents cost far more than they take to send: 500
// copies of one field (12 KB) take ~150 ms to validate, 3,000 aliased fields (~45 KB) 70–110 ms to compile.
// Once a client has spent its budget in a window, its GraphQL requests are refused (HTTP 429 with
// Retry-After; on a WebSocket, the operation) until the window ends.
import { LruMap } from "@tidings/core";
import { GraphQLError } from "graphql";

export type NewQueryLimits = {
  /** Milliseconds of parsing, validation and compilation one client may cost the api per window. */
  budgetMs: number;
  windowMs: number;
};

/**
 * 2 s per minute: ~1,000 small new texts a minute, or a dozen of the costliest documents the parse limits
 * let through; the web app's operations cost ~1–5 ms each, once.
 */
export const NEW_QUERY_LIMITS: NewQueryLimits = { budgetMs: 2_000, windowMs: 60_000 };

/** Clients remembered at once (least recently charged forgotten first). */
const MAX_CLIENTS = 10_000;

/** Who a limit counts against: the signed-in user, else the address the request came from. */
export const clientKey = (viewer: { id: number } | null, address: string | undefined) =>
  viewer ? `user:${viewer.id}` : `address:${address ?? "unknown"}`;

export type NewQueryBudget = {
  readonly limits: NewQueryLimits;
  /** Milliseconds until this client may send queries again (0: now). */
  waitMs(client: string): number;
  /** Adds the time the api just spent parsing, validating or compiling one of this client's query texts. */
  charge(client: string, ms: number): void;
};

export const createNewQueryBudget = (
  limits: NewQueryLimits = NEW_QUERY_LIMITS,
  now: () => number = () => performance.now(),
): NewQueryBudget => {
  const windows = new LruMap<string, { start: number; spentMs: number }>(MAX_CLIENTS);
  const current = (client: string) => {
    const window = windows.peek(client);
    return window && now() - window.start < limits.windowMs ? window : undefined;
  };
  return {
    limits,
    waitMs: (client) => {
      const window = current(client);
      if (!window || window.spentMs < limits.budgetMs) return 0;
      return Math.max(1, Math.ceil(window.start + limits.windowMs - now()));
    },
    charge: (client, ms) => {
      const window = current(client) ?? { start: now(), spentMs: 0 };
      window.spentMs += ms;
      windows.set(client, window);
    },
  };
};

/** The refusal, for HTTP (as JSON, with 429) and WebSocket (the operation's error) alike. */
export const budgetSpentError = (limits: NewQueryLimits, waitMs: number) =>
  new GraphQLError(budgetSpentMessage(limits, waitMs), { extensions: { code: "RATE_LIMITED" } });

export const budgetSpentMessage = (limits: NewQueryLimits, waitMs: number) =>
  `Too many new queries from this client: parsing, validating and compiling them took more than ${limits.budgetMs.toLocaleString("en")} ms of the api's time in ${Math.round(limits.windowMs / 1000)} s (the limit). Try again in ${Math.ceil(waitMs / 1000)} s.`;
