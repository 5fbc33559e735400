import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, redactUrl, SECRET_KEYS } from "./index.ts";

describe("loadConfig", () => {
  it("gives the documented defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe("127.0.0.1");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PUBLIC_URL).toBe("http://127.0.0.1:3000");
    expect(c.INCOMING_EMAIL_ADDRESS).toBe("incoming+%{key}@tidings.localhost");
    expect(c.INBOUND_SMTP_PORT).toBe(2525);
    expect(c.EMAIL_FROM).toBe("support@tidings.localhost");
    expect(c.MAX_EMAIL_BYTES).toBe(26214400);
    expect(c.SEED_DEMO).toBe(true);
    expect(c.MAIL_WEBHOOK_SECRET).toBeUndefined();
    expect(c.EMAIL_LINK_SECRET).toBeUndefined();
    expect(c.EMAIL_LINK_TTL_DAYS).toBe(30);
  });

  it("takes a long enough email-link secret and a link lifetime of 1 to 365 days", () => {
    expect(loadConfig({ EMAIL_LINK_SECRET: "x".repeat(32), EMAIL_LINK_TTL_DAYS: "7" })).toMatchObject({
      EMAIL_LINK_SECRET: "x".repeat(32),
      EMAIL_LINK_TTL_DAYS: 7,
    });
    expect(() => loadConfig({ EMAIL_LINK_SECRET: "short" })).toThrow(/EMAIL_LINK_SECRET must be at least 32/);
    expect(() => loadConfig({ EMAIL_LINK_TTL_DAYS: "0" })).toThrow(/between 1 and 365/);
  });

  it("lists every problem at once when several variables are wrong", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        INCOMING_EMAIL_ADDRESS: "incoming@example.com",
        SMTP_URL: "not a url",
        EMAIL_FROM: "nobody",
        MAX_EMAIL_BYTES: "-5",
        SEED_DEMO: "maybe",
        MAIL_WEBHOOK_SECRET: "short",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(8);
    for (const name of [
      "PORT",
      "DATABASE_URL",
      "INCOMING_EMAIL_ADDRESS",
      "SMTP_URL",
      "EMAIL_FROM",
      "MAX_EMAIL_BYTES",
      "SEED_DEMO",
      "MAIL_WEBHOOK_SECRET",
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect((error as Error).message).toContain("%{key}");
  });

  it("derives PUBLIC_URL from HOST and PORT and strips a trailing slash", () => {
    expect(loadConfig({ HOST: "0.0.0.0", PORT: "8080" }).PUBLIC_URL).toBe("http://0.0.0.0:8080");
    expect(loadConfig({ PUBLIC_URL: "https://desk.example.com/" }).PUBLIC_URL).toBe("https://desk.example.com");
  });

  it("requires the SMTP certificate and key together, and positive connection limits", () => {
    expect(() => loadConfig({ INBOUND_SMTP_TLS_CERT: "/etc/tidings/cert.pem" })).toThrow(/go together/);
    expect(() => loadConfig({ INBOUND_SMTP_MAX_CLIENTS_PER_IP: "0" })).toThrow(/at least 1/);
    expect(loadConfig({}).INBOUND_SMTP_MAX_CLIENTS_PER_IP).toBe(10);
  });

  it("leaves the embedded PostgreSQL's buffer cache to the machine unless given a whole number of MB", () => {
    expect(loadConfig({}).EMBEDDED_POSTGRES_SHARED_BUFFERS_MB).toBeUndefined();
    expect(loadConfig({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: "" }).EMBEDDED_POSTGRES_SHARED_BUFFERS_MB).toBeUndefined();
    expect(loadConfig({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: "512" }).EMBEDDED_POSTGRES_SHARED_BUFFERS_MB).toBe(512);
    expect(() => loadConfig({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: "2GB" })).toThrow(/number of megabytes/);
    expect(() => loadConfig({ EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: "8" })).toThrow(/at least 16/);
  });

  it("accepts ALLOWED_ORIGINS as origins only", () => {
    expect(loadConfig({ ALLOWED_ORIGINS: "https://desk.example.com, http://localhost:5173" }).ALLOWED_ORIGINS).toEqual([
      "https://desk.example.com",
      "http://localhost:5173",
    ]);
    expect(() => loadConfig({ ALLOWED_ORIGINS: "https://desk.example.com/path" })).toThrow(/ALLOWED_ORIGINS/);
  });

  it("reads a Microsoft Graph mailbox: all four credentials or none, https endpoints, Azure's by default", () => {
    const none = loadConfig({});
    expect(none.GRAPH_MAILBOX).toBeUndefined();
    expect(none.GRAPH_AUTHORITY_URL).toBe("https://login.microsoftonline.com");
    expect(none.GRAPH_ENDPOINT).toBe("https://graph.microsoft.com");
    expect(none.GRAPH_POLL_INTERVAL).toBe(60);
    const set = loadConfig({
      SERVICE_DESK_GRAPH_TENANT_ID: "contoso",
      SERVICE_DESK_GRAPH_CLIENT_ID: "app",
      SERVICE_DESK_GRAPH_CLIENT_SECRET: "s3cret",
      SERVICE_DESK_GRAPH_MAILBOX: "support@contoso.test",
      SERVICE_DESK_GRAPH_AUTHORITY_URL: "https://login.microsoftonline.us/",
      SERVICE_DESK_GRAPH_ENDPOINT: "https://graph.microsoft.us",
      SERVICE_DESK_GRAPH_POLL_INTERVAL: "15",
    });
    expect(set.SERVICE_DESK_GRAPH_AUTHORITY_URL).toBe("https://login.microsoftonline.us");
    expect(set.SERVICE_DESK_GRAPH_POLL_INTERVAL).toBe(15);
    expect(() => loadConfig({ GRAPH_TENANT_ID: "contoso", GRAPH_MAILBOX: "support@contoso.test" })).toThrow(
      /set all four or none \(missing GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET\)/,
    );
    expect(() => loadConfig({ GRAPH_ENDPOINT: "http://graph.local" })).toThrow(
      /GRAPH_ENDPOINT must be a URL starting with https:/,
    );
    expect(SECRET_KEYS).toContain("GRAPH_CLIENT_SECRET");
    expect(SECRET_KEYS).toContain("SERVICE_DESK_GRAPH_CLIENT_SECRET");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", SMTP_URL: "" }).SMTP_URL).toBeUndefined();
  });
});

describe("redactUrl", () => {
  it("hides the password of a connection URL", () => {
    expect(redactUrl("imap://agent:s3cret@127.0.0.1:143/INBOX")).toBe("imap://agent:***@127.0.0.1:143/INBOX");
  });
});

describe("TRUSTED_PROXIES", () => {
  it("trusts nobody by default and accepts IPs, CIDR ranges and express keywords", () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: "loopback, 10.0.0.0/8,::1" }).TRUSTED_PROXIES).toEqual([
      "loopback",
      "10.0.0.0/8",
      "::1",
    ]);
  });

  it("refuses anything else with an actionable message", () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: "everyone" })).toThrow(/TRUSTED_PROXIES must list IP addresses/);
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/TRUSTED_PROXIES/);
  });
});
