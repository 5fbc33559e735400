// The only module in Tidings that reads process.env (enforced by Biome's noProcessEnv rule).
// Every variable of contract.md is parsed here once, every problem is listed at once.
import net from "node:net";
import path from "node:path";
import { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const port = (name: string, def: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(def);

const bool = (name: string, def: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: `${name} must be true or false` })
    .default(def ? "true" : "false")
    .transform((v) => v === "true" || v === "1" || v === "yes");

const url = (name: string, protocols: string[]) =>
  z
    .string()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
    )
    .optional();

const keyAddress = (name: string) =>
  z.string().refine((v) => /^[^@\s]*%\{key\}[^@\s]*@[^@\s]+$/.test(v), {
    message: `${name} must contain %{key} before the @, e.g. incoming+%{key}@example.com`,
  });

const empty = (v: unknown) => (v === "" ? undefined : v);

/** A whole number of at least 1. */
const count = (name: string, def: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .default(def);

/** `scheme://host[:port]` and nothing more (no path, query or credentials). */
const isOrigin = (v: string) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && u.origin === v.replace(/\/$/, "");
  } catch {
    return false;
  }
};

/** Express trust-proxy keywords; anything else in TRUSTED_PROXIES must be an IP address or a CIDR range. */
const PROXY_KEYWORDS = ["loopback", "linklocal", "uniquelocal"];
const isProxyEntry = (entry: string) => {
  if (PROXY_KEYWORDS.includes(entry)) return true;
  const [ip, bits, extra] = entry.split("/");
  const family = net.isIP(ip);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

/** A Microsoft Graph mailbox (issue 13.1): `<prefix>GRAPH_*`, all four credentials or none. */
const GRAPH_FIELDS = ["TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "MAILBOX"] as const;
const graphVars = <P extends string>(prefix: P) =>
  ({
    [`${prefix}GRAPH_TENANT_ID`]: z.preprocess(empty, z.string().optional()),
    [`${prefix}GRAPH_CLIENT_ID`]: z.preprocess(empty, z.string().optional()),
    [`${prefix}GRAPH_CLIENT_SECRET`]: z.preprocess(empty, z.string().optional()),
    [`${prefix}GRAPH_MAILBOX`]: z.preprocess(empty, z.string().optional()),
    [`${prefix}GRAPH_POLL_INTERVAL`]: count(`${prefix}GRAPH_POLL_INTERVAL`, 60),
    [`${prefix}GRAPH_AUTHORITY_URL`]: z
      .preprocess(empty, url(`${prefix}GRAPH_AUTHORITY_URL`, ["https:"]))
      .transform((v) => (v ?? "https://login.microsoftonline.com").replace(/\/+$/, "")),
    [`${prefix}GRAPH_ENDPOINT`]: z
      .preprocess(empty, url(`${prefix}GRAPH_ENDPOINT`, ["https:"]))
      .transform((v) => (v ?? "https://graph.microsoft.com").replace(/\/+$/, "")),
  }) as {
    [K in `${P}GRAPH_${(typeof GRAPH_FIELDS)[number]}`]: z.ZodType<string | undefined>;
  } & {
    [K in `${P}GRAPH_POLL_INTERVAL`]: z.ZodType<number>;
  } & {
    [K in `${P}GRAPH_AUTHORITY_URL` | `${P}GRAPH_ENDPOINT`]: z.ZodType<string>;
  };

/** A problem when some of a Graph mailbox's credentials are set and others are not. */
const graphIncomplete = (c: Record<string, unknown>, prefix: string) => {
  const names = GRAPH_FIELDS.map((f) => `${prefix}GRAPH_${f}`);
  const missing = names.filter((n) => !c[n]);
  return missing.length > 0 && missing.length < names.length ? missing : null;
};

const Schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: port("PORT", 3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: z.preprocess(empty, url("DATABASE_URL", ["postgres:", "postgresql:"])),
    DATA_DIR: z.string().min(1).default(".data"),
    EMBEDDED_POSTGRES_SHARED_BUFFERS_MB: z.preprocess(
      empty,
      z.coerce
        .number({ error: "EMBEDDED_POSTGRES_SHARED_BUFFERS_MB must be a number of megabytes" })
        .int("EMBEDDED_POSTGRES_SHARED_BUFFERS_MB must be a whole number of megabytes")
        .min(16, "EMBEDDED_POSTGRES_SHARED_BUFFERS_MB must be at least 16")
        .optional(),
    ),
    PUBLIC_URL: z.preprocess(empty, url("PUBLIC_URL", ["http:", "https:"])),
    INCOMING_EMAIL_ADDRESS: keyAddress("INCOMING_EMAIL_ADDRESS").default("incoming+%{key}@tidings.localhost"),
    SERVICE_DESK_EMAIL_ADDRESS: z.preprocess(empty, keyAddress("SERVICE_DESK_EMAIL_ADDRESS").optional()),
    INBOUND_SMTP_PORT: port("INBOUND_SMTP_PORT", 2525),
    INBOUND_SMTP_HOST: z.string().min(1).default("127.0.0.1"),
    IMAP_URL: z.preprocess(empty, url("IMAP_URL", ["imap:", "imaps:"])),
    SERVICE_DESK_IMAP_URL: z.preprocess(empty, url("SERVICE_DESK_IMAP_URL", ["imap:", "imaps:"])),
    ...graphVars(""),
    ...graphVars("SERVICE_DESK_"),
    SMTP_URL: z.preprocess(empty, url("SMTP_URL", ["smtp:", "smtps:"])),
    EMAIL_FROM: z.email({ error: "EMAIL_FROM must be an email address" }).default("support@tidings.localhost"),
    MAX_EMAIL_BYTES: z.coerce
      .number({ error: "MAX_EMAIL_BYTES must be a number of bytes" })
      .int("MAX_EMAIL_BYTES must be a whole number of bytes")
      .min(1024, "MAX_EMAIL_BYTES must be at least 1024")
      .default(26214400),
    MAX_ATTACHMENT_BYTES: z.coerce
      .number({ error: "MAX_ATTACHMENT_BYTES must be a number of bytes" })
      .int("MAX_ATTACHMENT_BYTES must be a whole number of bytes")
      .min(0, "MAX_ATTACHMENT_BYTES must be 0 or more")
      .default(10485760),
    INBOUND_ISSUES_PER_SENDER_PER_HOUR: z.coerce
      .number({ error: "INBOUND_ISSUES_PER_SENDER_PER_HOUR must be a number" })
      .int("INBOUND_ISSUES_PER_SENDER_PER_HOUR must be a whole number")
      .min(0, "INBOUND_ISSUES_PER_SENDER_PER_HOUR must be 0 (no limit) or more")
      .default(20),
    DEMO_PASSWORD: z.preprocess(empty, z.string().min(8, "DEMO_PASSWORD must be at least 8 characters").optional()),
    SEED_DEMO: bool("SEED_DEMO", true),
    MAIL_WEBHOOK_SECRET: z.preprocess(
      empty,
      z.string().min(16, "MAIL_WEBHOOK_SECRET must be at least 16 characters").optional(),
    ),
    EMAIL_LINK_SECRET: z.preprocess(
      empty,
      z.string().min(32, "EMAIL_LINK_SECRET must be at least 32 characters").optional(),
    ),
    CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS: bool("CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS", false),
    SENDER_AUTH: bool("SENDER_AUTH", true),
    SENDER_AUTH_DNS_SERVERS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every((e) => net.isIP(e.replace(/^\[(.+)\](:\d+)?$/, "$1").replace(/:\d+$/, "")) !== 0), {
        message: "SENDER_AUTH_DNS_SERVERS must list DNS server IP addresses (ip or ip:port), separated by commas",
      }),
    SPAM_CHECK_URL: z.preprocess(empty, url("SPAM_CHECK_URL", ["spamd:"])),
    CANARY_INTERVAL_MINUTES: z.coerce
      .number({ error: "CANARY_INTERVAL_MINUTES must be a number of minutes" })
      .int("CANARY_INTERVAL_MINUTES must be a whole number of minutes")
      .min(0, "CANARY_INTERVAL_MINUTES must be 0 (off) or more")
      .default(0),
    CANARY_PROJECT: z.preprocess(empty, z.string().optional()),
    CANARY_ALERT_AFTER_MINUTES: count("CANARY_ALERT_AFTER_MINUTES", 15),
    SECRET_KEY_BASE: z.preprocess(
      empty,
      z.string().min(32, "SECRET_KEY_BASE must be at least 32 characters").optional(),
    ),
    EMAIL_LINK_TTL_DAYS: z.coerce
      .number({ error: "EMAIL_LINK_TTL_DAYS must be a number of days" })
      .int("EMAIL_LINK_TTL_DAYS must be a whole number of days")
      .min(1, "EMAIL_LINK_TTL_DAYS must be between 1 and 365")
      .max(365, "EMAIL_LINK_TTL_DAYS must be between 1 and 365")
      .default(30),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ALLOWED_ORIGINS: z.preprocess(
      empty,
      z
        .string()
        .transform((v) =>
          v
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean),
        )
        .refine((list) => list.every(isOrigin), {
          message: "ALLOWED_ORIGINS must be a comma-separated list of origins such as https://desk.example.com",
        })
        .transform((list) => list.map((o) => new URL(o).origin))
        .default([]),
    ),
    METRICS_TOKEN: z.preprocess(empty, z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional()),
    INBOUND_SMTP_MAX_CLIENTS: count("INBOUND_SMTP_MAX_CLIENTS", 100),
    INBOUND_SMTP_MAX_CLIENTS_PER_IP: count("INBOUND_SMTP_MAX_CLIENTS_PER_IP", 10),
    INBOUND_SMTP_SESSION_TIMEOUT_SECONDS: count("INBOUND_SMTP_SESSION_TIMEOUT_SECONDS", 300),
    INBOUND_SMTP_TLS_CERT: z.preprocess(empty, z.string().optional()),
    INBOUND_SMTP_TLS_KEY: z.preprocess(empty, z.string().optional()),
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean),
      )
      .refine((entries) => entries.every(isProxyEntry), {
        message: `TRUSTED_PROXIES must list IP addresses, CIDR ranges or ${PROXY_KEYWORDS.join("/")}, separated by commas`,
      }),
  })
  .superRefine((c, ctx) => {
    for (const prefix of ["", "SERVICE_DESK_"]) {
      const missing = graphIncomplete(c, prefix);
      if (missing)
        ctx.addIssue({
          code: "custom",
          path: [missing[0]],
          message: `${prefix}GRAPH_TENANT_ID, ${prefix}GRAPH_CLIENT_ID, ${prefix}GRAPH_CLIENT_SECRET and ${prefix}GRAPH_MAILBOX go together: set all four or none (missing ${missing.join(", ")})`,
        });
    }
  })
  .refine((c) => c.CANARY_INTERVAL_MINUTES === 0 || !!c.CANARY_PROJECT, {
    message: "CANARY_PROJECT must name the project (group/project) whose Service Desk address the canary mails",
    path: ["CANARY_PROJECT"],
  })
  .refine((c) => !c.INBOUND_SMTP_TLS_CERT === !c.INBOUND_SMTP_TLS_KEY, {
    message: "INBOUND_SMTP_TLS_CERT and INBOUND_SMTP_TLS_KEY go together: set both (PEM files) or neither",
    path: ["INBOUND_SMTP_TLS_CERT"],
  })
  .transform((c) => ({
    ...c,
    DATA_DIR: path.resolve(c.DATA_DIR),
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/+$/, ""),
  }));

export type Config = z.infer<typeof Schema>;

/** Parses the environment once. Throws a ConfigError that lists every problem. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = Schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return parsed.data;
};

/** The variables that must never be logged; used by the logger's redaction. */
export const SECRET_KEYS = [
  "DATABASE_URL",
  "IMAP_URL",
  "SERVICE_DESK_IMAP_URL",
  "SMTP_URL",
  "DEMO_PASSWORD",
  "MAIL_WEBHOOK_SECRET",
  "METRICS_TOKEN",
  "EMAIL_LINK_SECRET",
  "SECRET_KEY_BASE",
  "GRAPH_CLIENT_SECRET",
  "SERVICE_DESK_GRAPH_CLIENT_SECRET",
];

/** Hides the password of a URL so it can be printed. */
export const redactUrl = (value: string | undefined): string | undefined => {
  if (!value) return value;
  try {
    const u = new URL(value);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "***";
  }
};

/** Values only the test harness and the launcher pass to child processes. */
export const childEnv = (
  overrides: Record<string, string | undefined>,
  /** Set unless this process's environment sets them (the operator's choice wins). */
  defaults: Record<string, string> = {},
): Record<string, string | undefined> => ({
  ...defaults,
  ...process.env,
  ...overrides,
});

/** For entry points: the parsed config, or every problem printed and exit code 78 (EX_CONFIG). */
export const loadConfigOrExit = (env?: Record<string, string | undefined>): Config => {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
};
