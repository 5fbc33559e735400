// Helpers for the responder-app specs (issue 6). The product itself is booted by e2e/support.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type WebSocket } from "@playwright/test";

export const unique = (prefix: string) =>
  `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** GraphQL over HTTP with the page's session cookie (the same API the SPA uses). */
export const graphql = async <T = Record<string, unknown>>(
  page: Page,
  query: string,
  variables: Record<string, unknown> = {},
) => {
  const response = await page.request.post("/graphql", { data: { query, variables } });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  expect(body.errors ?? [], `GraphQL errors for ${query.slice(0, 60)}`).toEqual([]);
  return body.data as T;
};

/** Waits until an issue of demo/app matching `search` exists (the worker made it from an email); its iid. */
export const waitForIssueIid = async (page: Page, search: string, timeout = 30_000): Promise<string> => {
  let iid = "";
  await expect
    .poll(
      async () => {
        const data = await graphql<{ project: { issues: { nodes: { iid: string }[] } } }>(
          page,
          'query ($s: String) { project(fullPath: "demo/app") { issues(search: $s, state: all) { nodes { iid } } } }',
          { s: search },
        );
        iid = data.project.issues.nodes[0]?.iid ?? "";
        return iid;
      },
      { timeout },
    )
    .not.toBe("");
  return iid;
};

export const serviceDeskAddress = async (page: Page, fullPath: string) => {
  const data = await graphql<{ project: { serviceDeskAddress: string | null } | null }>(
    page,
    "query ($p: ID!) { project(fullPath: $p) { serviceDeskAddress } }",
    { p: fullPath },
  );
  const address = data.project?.serviceDeskAddress;
  if (!address) throw new Error(`no Service Desk address visible for ${fullPath}`);
  return address;
};

/**
 * Resolves once the SPA has sent graphql-ws `subscribe` messages for every named operation. Call it
 * before navigating; await it before causing the event, so a live update cannot race the subscription.
 */
/** Every open WebSocket of a page, tracked from the first time a helper asks. */
const pageSockets = new WeakMap<Page, Set<WebSocket>>();
const socketsOf = (page: Page) => {
  let sockets = pageSockets.get(page);
  if (!sockets) {
    const set = new Set<WebSocket>();
    page.on("websocket", (ws) => {
      set.add(ws);
      ws.on("close", () => set.delete(ws));
    });
    pageSockets.set(page, set);
    sockets = set;
  }
  return sockets;
};

/**
 * Resolves once the page has sent a `subscribe` for each operation, on a new socket or one already open
 * (a subscription that lives on every page — the bell — keeps one socket open across navigations).
 */
export const subscriptionsStarted = (page: Page, operationNames: string[]) =>
  new Promise<void>((resolve) => {
    const pending = new Set(operationNames);
    const watch = (ws: WebSocket) =>
      ws.on("framesent", (frame) => {
        const text = typeof frame.payload === "string" ? frame.payload : frame.payload.toString();
        if (!text.includes('"subscribe"')) return;
        try {
          const message = JSON.parse(text) as { type?: string; payload?: { operationName?: string } };
          if (message.type === "subscribe" && message.payload?.operationName)
            pending.delete(message.payload.operationName);
        } catch {
          return;
        }
        if (pending.size === 0) setTimeout(resolve, 300); // the server registers the subscription asynchronously
      });
    for (const ws of socketsOf(page)) watch(ws);
    page.on("websocket", watch);
  });

/** Collects console errors and uncaught exceptions; assert `toEqual([])` at the end of a test. */
export const collectPageErrors = (page: Page) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
};

/** Serious and critical axe violations (WCAG 2.1 A/AA) on the page as it is now. */
export const seriousViolations = async (page: Page) => {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
};

/**
 * Holds back the answer of the page's next GraphQL request named `operationName`: the request is sent to the
 * server at once (`read` resolves when the server has answered), and the page gets the answer only after
 * `release()`. A slow network, as a busy api gives it, so that a change can cross the answer on its way.
 */
export const holdNextAnswer = async (page: Page, operationName: string) => {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let answerRead = () => {};
  const read = new Promise<void>((resolve) => {
    answerRead = resolve;
  });
  let holding = true;
  await page.route("**/graphql", async (route) => {
    if (!holding || route.request().postDataJSON()?.operationName !== operationName) return route.fallback();
    holding = false;
    // A query: retried if the kept-alive connection it was sent on had just been closed by the server.
    const response = await route.fetch({ maxRetries: 2 });
    answerRead();
    await held;
    await route.fulfill({ response });
  });
  return { read, release };
};
