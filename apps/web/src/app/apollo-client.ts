import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import type { FieldPolicy } from "@apollo/client/cache";
import { split } from "@apollo/client/link";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { isSubscriptionOperation } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import { createLiveStatus, stateAfterClose } from "./live-status.tsx";

type NodesPage = { nodes?: readonly unknown[]; pageInfo?: { hasNextPage?: boolean }; count?: number };

const refKey = (n: unknown) => (n && typeof n === "object" && "__ref" in n ? (n as { __ref: string }).__ref : n);

/** A page fetched with `after`, appended to the cached list without repeating a node; else the page alone. */
const appendPage = (existing: NodesPage | undefined, incoming: NodesPage, after: unknown): NodesPage => {
  if (!existing || !after) return incoming;
  // Cached nodes are references ({ __ref: "Issue:…" }): compare them by their key, not by identity.
  const seen = new Set((existing.nodes ?? []).map(refKey));
  return {
    ...incoming,
    nodes: [...(existing.nodes ?? []), ...(incoming.nodes ?? []).filter((n) => !seen.has(refKey(n)))],
  };
};

/**
 * Cursor pagination for `{ count nodes pageInfo }` connections: pages fetched with `after` are appended
 * to the cached list for the same filter arguments; a request without `after` replaces it.
 */
export const cursorNodesPagination = (keyArgs: string[] | false): FieldPolicy<NodesPage> => ({
  keyArgs,
  merge: (existing, incoming, { args }) => appendPage(existing, incoming, args?.after),
});

/** A note's database id from its cache reference (`Note:gid://tidings/Note/42` → 42). */
const noteNumber = (n: unknown) => Number(/(\d+)$/.exec(String(refKey(n)))?.[1] ?? Number.NaN);

const byNoteId = (nodes: readonly unknown[]) => [...nodes].sort((a, b) => noteNumber(a) - noteNumber(b));

/**
 * A thread's timeline, oldest first. As `cursorNodesPagination`, except that the first page fetched again
 * keeps the cached notes newer than its newest one when it reaches the end of the thread: they were added
 * (by the author's own reply or a live event) while the answer was on its way, and the answer, read by the
 * server before they existed, would otherwise take them off the page. A note moved out of the thread is
 * still dropped: the move adds a newer system note, which the answer carries.
 */
export const threadNotesPagination: FieldPolicy<NodesPage> = {
  keyArgs: [],
  merge(existing, incoming, { args }) {
    const merged = appendPage(existing, incoming, args?.after);
    // A later page is merged in the server's order (by id): a note that arrived while the thread was loaded
    // only in part was added after the loaded notes, and the page's older notes go before it, not after.
    if (args?.after) return { ...merged, nodes: byNoteId(merged.nodes ?? []) };
    if (!existing || incoming.pageInfo?.hasNextPage !== false) return merged;
    const newest = Math.max(0, ...(incoming.nodes ?? []).map(noteNumber).filter(Number.isFinite));
    const arrived = byNoteId((existing.nodes ?? []).filter((n) => noteNumber(n) > newest));
    return arrived.length ? { ...merged, nodes: [...(merged.nodes ?? []), ...arrived] } : merged;
  },
};

/**
 * The schema's object types without an id that describe the object they hang from (permissions, settings,
 * an envelope): not normalized, so a query that selects fewer of their fields than another would replace
 * them and leave the other query's data incomplete, which Apollo answers by fetching that query again (the
 * navigation's `userPermissions { adminProject }` made the issue list fetch itself again on every page).
 * Merged instead. Connections, payloads and PageInfo are not here; a test holds this list to the schema.
 */
export const MERGED_VALUE_TYPES = [
  "AccessLevel",
  "InboundMailHealth",
  "InboundRouting",
  "IssueEmailParticipant",
  "IssuePermissions",
  "IssuePresence",
  "MailHealth",
  "MailHealthPoint",
  "MessageEnvelope",
  "NoteDelivery",
  "NoteDraft",
  "NotePermissions",
  "OutboundMailHealth",
  "ProjectMember",
  "ProjectPermissions",
  "QuickActionsStatus",
  "RequesterHistory",
  "RequesterTicket",
  "SavedViewFilters",
  "SearchSnippet",
  "SearchSnippetPart",
  "ServiceDeskCustomEmail",
  "ServiceDeskSettings",
  "ServiceDeskTemplatePreview",
] as const;

export const createCache = () =>
  new InMemoryCache({
    typePolicies: {
      ...Object.fromEntries(MERGED_VALUE_TYPES.map((type) => [type, { merge: true }])),
      Query: { fields: { project: { keyArgs: ["fullPath"] } } },
      Project: {
        fields: {
          // `first` is part of the key so count-only aliases (`first: 1`) never overwrite a loaded list.
          issues: cursorNodesPagination([
            "state",
            "search",
            "labelName",
            "assigneeUsernames",
            "authorUsername",
            "needsReply",
            "sort",
            "first",
          ]),
        },
      },
      Issue: { fields: { notes: threadNotesPagination } },
    },
  });

const wsUrl = () => `${window.location.protocol === "https:" ? "wss:" : "ws:"}//${window.location.host}/graphql`;

/**
 * One client per page load. The socket opens lazily and reconnects; the session cookie authenticates it.
 * A lost socket shows "Reconnecting…"; when it is back, the active queries are fetched again, since the
 * events sent meanwhile never arrived.
 */
export const createApolloClient = () => {
  const liveStatus = createLiveStatus();
  let client: ApolloClient | null = null;
  const wsClient = createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    // Back off, but never wait more than ~10 s: a responder back from a long outage should not wait minutes.
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries) + Math.random() * 500)),
    on: {
      connected: () => {
        const wasLost = liveStatus.get() === "reconnecting";
        liveStatus.set("live");
        if (wasLost) void client?.refetchQueries({ include: "active" });
      },
      closed: (event) => liveStatus.set(stateAfterClose((event as { code?: number }).code ?? 1006)),
    },
  });
  const httpLink = new HttpLink({ uri: "/graphql", credentials: "same-origin" });
  const link = split(({ query }) => isSubscriptionOperation(query), new GraphQLWsLink(wsClient), httpLink);
  client = new ApolloClient({ link, cache: createCache() });
  return { client, wsClient, liveStatus };
};
