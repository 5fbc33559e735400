import { loadConfig } from "@tidings/config";
import { describe, expect, it } from "vitest";
import { graphMailboxesOf, retryAfterMs } from "./graph-client.ts";
import { graphMailboxKeyOf } from "./graph-consumer.ts";

describe("Microsoft Graph client helpers (issue 13.1)", () => {
  it("reads Retry-After as seconds or as an HTTP date, and nothing else", () => {
    const now = Date.parse("2026-12-04T10:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7_000);
    expect(retryAfterMs("Fri, 04 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Fri, 04 Dec 2026 09:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs("soon", now)).toBeNull();
  });

  it("configures a mailbox only when its four credentials are set, and keys it without a secret", () => {
    expect(graphMailboxesOf(loadConfig({}))).toEqual([]);
    const [only] = graphMailboxesOf(
      loadConfig({
        SERVICE_DESK_GRAPH_TENANT_ID: "contoso",
        SERVICE_DESK_GRAPH_CLIENT_ID: "app",
        SERVICE_DESK_GRAPH_CLIENT_SECRET: "s3cret-value",
        SERVICE_DESK_GRAPH_MAILBOX: "support@contoso.test",
        SERVICE_DESK_GRAPH_ENDPOINT: "https://graph.microsoft.us",
      }),
    );
    expect(only.label).toBe("service_desk");
    expect(only.mailbox).toMatchObject({
      tenantId: "contoso",
      pollSeconds: 60,
      endpoint: "https://graph.microsoft.us",
    });
    const key = graphMailboxKeyOf(only.label, only.mailbox);
    expect(key).toBe("graph:service_desk:support@contoso.test@graph.microsoft.us");
    expect(key).not.toContain("s3cret");
  });
});
