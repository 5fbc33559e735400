// Issue 13.2 (GitLab items 34–35): emails that leave through a project's own SMTP server. The verification
// email goes through the credentials being verified, once, with GitLab's short timeouts, and its failure
// is the verification's (invalid_credentials, read_timeout, smtp_host_issue). Once the address is enabled,
// the project's customer emails (thank-you, new note, new participant) leave through a pooled transport
// of that server, From the custom address; rejections stay with the instance's server.
import crypto from "node:crypto";
import {
  type CustomSmtp,
  credentialCipher,
  customSmtpFor,
  failCustomEmailVerification,
  type VerificationError,
} from "@tidings/core";
import { OutboundKind } from "@tidings/db";
import nodemailer, { type Transporter } from "nodemailer";
import type { WorkerContext } from "../context.ts";
import type { Delivery } from "./delivery.ts";
import type { ClaimedEmail } from "./outbox-store.ts";

const CUSTOMER_KINDS = new Set<string>([OutboundKind.ThankYou, OutboundKind.NewNote, OutboundKind.NewParticipant]);
/** GitLab sends the verification synchronously with a 7-second read timeout. */
const VERIFICATION_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 7_000, socketTimeout: 7_000 };

const AUTH_METHOD: Record<CustomSmtp["authMethod"], string | undefined> = {
  auto: undefined,
  plain: "PLAIN",
  login: "LOGIN",
  cram_md5: "CRAM-MD5",
};

const transportOf = (smtp: CustomSmtp, pooled: boolean, timeouts: typeof VERIFICATION_TIMEOUTS): Transporter =>
  nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.port === 465,
    auth: { user: smtp.username, pass: smtp.password },
    authMethod: AUTH_METHOD[smtp.authMethod],
    pool: pooled,
    maxConnections: 2,
    maxRequeues: 0,
    disableUrlAccess: true,
    ...timeouts,
  });

const asDelivery = (transport: Transporter): Delivery => ({
  kind: "smtp",
  send: async (message) => ({ response: String((await transport.sendMail(message)).response ?? "") }),
  close: async () => transport.close(),
});

/** The verification's failure reason for a send error (GitLab item 34). */
export const verificationErrorOf = (
  err: unknown,
): Extract<VerificationError, "smtp_host_issue" | "invalid_credentials" | "read_timeout"> => {
  const e = err as { code?: string; responseCode?: number };
  if (e?.code === "EAUTH" || e?.responseCode === 535 || e?.responseCode === 534) return "invalid_credentials";
  if (e?.code === "ETIMEDOUT") return "read_timeout";
  return "smtp_host_issue";
};

export type CustomRoute = {
  delivery: Delivery;
  /** The From and envelope address. */
  emailFrom: string;
  /** A verification email: sent once, its failure ends the verification. */
  verification: boolean;
  /** Closes a one-off transport after the send. */
  done: () => Promise<void>;
};

export const startCustomSmtp = (ctx: WorkerContext, timeouts: typeof VERIFICATION_TIMEOUTS) => {
  const cipher = credentialCipher(ctx.config);
  const pools = new Map<number, { fingerprint: string; delivery: Delivery }>();
  const fingerprintOf = (s: CustomSmtp) =>
    crypto
      .createHash("sha256")
      .update(JSON.stringify([s.host, s.port, s.username, s.password, s.authMethod]))
      .digest("hex");

  // Projects whose custom address is enabled, read again at most every few seconds by the runner's loop:
  // the other projects' emails go out without a query or a wait (their order is kept).
  let enabled = new Set<number>();
  let readAt = 0;

  const lookUp = async (email: ClaimedEmail & { projectId: number }): Promise<CustomRoute | null> => {
    if (email.kind === OutboundKind.CustomEmailVerification) {
      const smtp = await customSmtpFor(ctx.dataSource.manager, cipher, email.projectId, "verification");
      if (!smtp) return null;
      const delivery = asDelivery(transportOf(smtp, false, { ...timeouts, ...VERIFICATION_TIMEOUTS }));
      return { delivery, emailFrom: smtp.customEmail, verification: true, done: () => delivery.close() };
    }
    const smtp = await customSmtpFor(ctx.dataSource.manager, cipher, email.projectId, "customer");
    if (!smtp) return null;
    const fingerprint = fingerprintOf(smtp);
    let pool = pools.get(email.projectId);
    if (!pool || pool.fingerprint !== fingerprint) {
      await pool?.delivery.close();
      pool = { fingerprint, delivery: asDelivery(transportOf(smtp, true, timeouts)) };
      pools.set(email.projectId, pool);
    }
    return { delivery: pool.delivery, emailFrom: smtp.customEmail, verification: false, done: async () => {} };
  };

  return {
    /** A project started or stopped sending through its own server: read again before the next email. */
    invalidate: () => {
      readAt = 0;
    },
    /** Reads which projects send through their own server (at most every `everyMs`). */
    refresh: async (everyMs = 5_000) => {
      if (Date.now() - readAt < everyMs) return;
      const rows: { project_id: number }[] = await ctx.dataSource.query(
        "SELECT project_id FROM service_desk_custom_emails WHERE enabled",
      );
      enabled = new Set(rows.map((r) => r.project_id));
      readAt = Date.now();
    },
    /**
     * Where this email leaves from: a project's own server (a promise), or null — at once, without a
     * query — for the instance's.
     */
    routeFor: (email: ClaimedEmail): Promise<CustomRoute | null> | null => {
      if (email.projectId === null) return null;
      const verification = email.kind === OutboundKind.CustomEmailVerification;
      if (!verification && !(CUSTOMER_KINDS.has(email.kind) && enabled.has(email.projectId))) return null;
      return lookUp({ ...email, projectId: email.projectId });
    },
    /** The verification email could not be sent: the verification failed, with GitLab's reason. */
    failVerification: (projectId: number, err: unknown) =>
      failCustomEmailVerification(ctx.dataSource.manager, projectId, verificationErrorOf(err)),
    close: async () => {
      for (const p of pools.values()) await p.delivery.close();
      pools.clear();
    },
  };
};
