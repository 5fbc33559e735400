// Raw WebSocket clients for the api tests that need exact control of the upgrade headers (Origin,
// cookie, bearer) and of how the socket closed; `harness.ts` covers ordinary subscriptions.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** Opens a raw upgrade to /graphql and resolves with the HTTP status it was answered with (101 = open). */
export const upgradeStatus = (port: number, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws", { headers });
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", reject);
  });

/** A graphql-ws client on its own socket with exactly these upgrade headers, recording close codes. */
export const wsClient = (port: number, headers: Record<string, string>) => {
  const closes: number[] = [];
  class Socket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
      this.on("close", (code) => closes.push(code));
    }
  }
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: Socket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
  return { client, closes };
};

/** Runs one operation on the client and resolves with its first result (or its errors). */
export const runOnce = (client: Client, query: string, variables: Record<string, unknown> = {}) =>
  new Promise<{ data?: unknown; errors?: readonly { message: string }[] }>((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (v) => resolve(v as { data?: unknown; errors?: readonly { message: string }[] }),
        error: (e) => resolve({ errors: Array.isArray(e) ? e : [{ message: String((e as Error).message ?? e) }] }),
        complete: () => undefined,
      },
    );
  });
