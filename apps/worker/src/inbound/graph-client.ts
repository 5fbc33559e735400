// Issue 13.1: the documented subset of Microsoft Graph that reading a mailbox needs — an app-only token
// (client credentials, through @azure/msal-node), the inbox listing with paging, a message's MIME
// (`/messages/{id}/$value`) and its move. Every request retries throttling (429) and server errors,
// honouring Retry-After; the authority and the Graph endpoint come from configuration, so a sovereign
// cloud (or the tests' local server) is reached exactly as Azure's public cloud is.
import { ConfidentialClientApplication } from "@azure/msal-node";
import type { Config } from "@tidings/config";
import type { Logger } from "@tidings/core";
import { backoffMs, sleep } from "./mailbox-lease.ts";

export type GraphMailbox = {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The user principal name or id of the mailbox, e.g. support@contoso.com. */
  mailbox: string;
  pollSeconds: number;
  authorityUrl: string;
  endpoint: string;
};

/** The Graph mailboxes configured (GRAPH_* and SERVICE_DESK_GRAPH_*), with the label of their cursor. */
export const graphMailboxesOf = (config: Config): { label: string; mailbox: GraphMailbox }[] => {
  const sets = [
    {
      label: "incoming",
      m: {
        tenantId: config.GRAPH_TENANT_ID,
        clientId: config.GRAPH_CLIENT_ID,
        clientSecret: config.GRAPH_CLIENT_SECRET,
        mailbox: config.GRAPH_MAILBOX,
        pollSeconds: config.GRAPH_POLL_INTERVAL,
        authorityUrl: config.GRAPH_AUTHORITY_URL,
        endpoint: config.GRAPH_ENDPOINT,
      },
    },
    {
      label: "service_desk",
      m: {
        tenantId: config.SERVICE_DESK_GRAPH_TENANT_ID,
        clientId: config.SERVICE_DESK_GRAPH_CLIENT_ID,
        clientSecret: config.SERVICE_DESK_GRAPH_CLIENT_SECRET,
        mailbox: config.SERVICE_DESK_GRAPH_MAILBOX,
        pollSeconds: config.SERVICE_DESK_GRAPH_POLL_INTERVAL,
        authorityUrl: config.SERVICE_DESK_GRAPH_AUTHORITY_URL,
        endpoint: config.SERVICE_DESK_GRAPH_ENDPOINT,
      },
    },
  ];
  return sets.flatMap(({ label, m }) =>
    m.tenantId && m.clientId && m.clientSecret && m.mailbox
      ? [
          {
            label,
            mailbox: {
              ...m,
              tenantId: m.tenantId,
              clientId: m.clientId,
              clientSecret: m.clientSecret,
              mailbox: m.mailbox,
            },
          },
        ]
      : [],
  );
};

export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "GraphError";
  }
}

/** Retry-After as Graph sends it: delay-seconds or an HTTP date; null when absent or unreadable. */
export const retryAfterMs = (header: string | null, now = Date.now()): number | null => {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
};

const RETRIED = new Set([429, 500, 502, 503, 504]);
/** A server asking for longer than this is waited for this long, then asked again. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export type GraphClientOptions = {
  log: Logger;
  signal: { stopped: boolean };
  /** Attempts per request before the error reaches the consumer (which backs off and records it). */
  maxAttempts?: number;
  random?: () => number;
};

export type GraphClient = {
  /** The ids of the inbox's messages, oldest first, page by page (`@odata.nextLink`). */
  inboxPages: (pageSize?: number) => AsyncGenerator<string[]>;
  /** The message as MIME, byte for byte. */
  mime: (id: string) => Promise<Buffer>;
  /** Moves the message to a folder (a well-known name such as `archive`, or a folder id). */
  move: (id: string, folder: string) => Promise<void>;
};

export const createGraphClient = (m: GraphMailbox, opts: GraphClientOptions): GraphClient => {
  const authority = `${m.authorityUrl}/${encodeURIComponent(m.tenantId)}`;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      authority,
      // The configured authority is trusted as given: no instance discovery through Azure's public cloud.
      knownAuthorities: [new URL(m.authorityUrl).host],
    },
  });
  const scopes = [`${m.endpoint}/.default`];
  const base = `${m.endpoint}/v1.0/users/${encodeURIComponent(m.mailbox)}`;
  const maxAttempts = opts.maxAttempts ?? 6;

  const token = async (fresh: boolean): Promise<string> => {
    try {
      const result = await app.acquireTokenByClientCredential({ scopes, skipCache: fresh });
      if (!result?.accessToken) throw new Error("no access token in the answer");
      return result.accessToken;
    } catch (err) {
      const e = err as { errorCode?: string; message?: string };
      // MSAL's message never contains the secret; its error code names the failure (e.g. invalid_client).
      throw new GraphError(
        `The token request to ${m.authorityUrl} for ${m.mailbox} failed: ${e.errorCode ?? e.message ?? String(err)}`,
        null,
      );
    }
  };

  /** One Graph call with the app's token; retries throttling, server errors and a stale token. */
  const call = async (method: string, url: string, body?: unknown): Promise<Response> => {
    if (new URL(url).origin !== new URL(m.endpoint).origin) {
      throw new GraphError(`Refusing to send the mailbox token to ${new URL(url).origin}`, null);
    }
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${await token(refreshed)}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        if (err instanceof GraphError || attempt + 1 >= maxAttempts) throw err;
        opts.log.warn({ err, attempt }, "graph.request_failed_will_retry");
        await sleep(backoffMs(attempt, opts.random), opts.signal);
        continue;
      }
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        continue;
      }
      if (RETRIED.has(res.status) && attempt + 1 < maxAttempts && !opts.signal.stopped) {
        await res.arrayBuffer().catch(() => {});
        const wait = retryAfterMs(res.headers.get("retry-after")) ?? backoffMs(attempt, opts.random);
        opts.log.warn({ status: res.status, waitMs: wait, attempt }, "graph.throttled_will_retry");
        await sleep(Math.min(wait, MAX_RETRY_AFTER_MS), opts.signal);
        continue;
      }
      return res;
    }
  };

  const ok = async (res: Response, what: string) => {
    if (res.ok) return res;
    const text = await res.text().catch(() => "");
    let code = "";
    try {
      code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "";
    } catch {
      // not a Graph error body
    }
    throw new GraphError(`Microsoft Graph refused ${what}: HTTP ${res.status}${code ? ` ${code}` : ""}`, res.status);
  };

  return {
    inboxPages: async function* (pageSize = 100) {
      let next: string | undefined =
        `${base}/mailFolders/inbox/messages?$select=id&$orderby=receivedDateTime%20asc&$top=${pageSize}`;
      while (next && !opts.signal.stopped) {
        const res = await ok(await call("GET", next), "the inbox listing");
        const page = (await res.json()) as { value?: { id?: unknown }[]; "@odata.nextLink"?: string };
        yield (page.value ?? []).flatMap((v) => (typeof v.id === "string" ? [v.id] : []));
        next = page["@odata.nextLink"];
      }
    },
    mime: async (id) => {
      const res = await ok(await call("GET", `${base}/messages/${encodeURIComponent(id)}/$value`), "a message's MIME");
      return Buffer.from(await res.arrayBuffer());
    },
    move: async (id, folder) => {
      const res = await call("POST", `${base}/messages/${encodeURIComponent(id)}/move`, { destinationId: folder });
      // Already moved (a crash after the move, before we noted it): the message is where it should be.
      if (res.status === 404) return void (await res.arrayBuffer().catch(() => {}));
      await ok(res, "moving a message");
      await res.arrayBuffer().catch(() => {});
    },
  };
};
