// How an email leaves: over SMTP (SMTP_URL) or, without it, as an .eml file under DATA_DIR (D6).
import fs from "node:fs/promises";
import path from "node:path";
import nodemailer, { type SendMailOptions, type Transporter } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";

export type DeliveryResult = { response: string };

export type Delivery = {
  readonly kind: "smtp" | "eml";
  send: (message: SendMailOptions, file: { id: number; messageId: string }) => Promise<DeliveryResult>;
  close: () => Promise<void>;
};

export type SmtpTimeouts = { connectionTimeout: number; greetingTimeout: number; socketTimeout: number };

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionTimeout: 30_000,
  greetingTimeout: 30_000,
  socketTimeout: 60_000,
};

/**
 * A pooled SMTP transport: up to `maxConnections` connections reused across emails. The timeouts
 * bound every send, which is what keeps a send shorter than its lease.
 */
export const smtpDelivery = (smtpUrl: string, maxConnections: number, timeouts: SmtpTimeouts): Delivery => {
  const transport: Transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections,
    maxMessages: 1000,
    // The runner owns retries (with its backoff and its record of attempts): the pool must not resend
    // on its own when a connection drops mid-message.
    maxRequeues: 0,
    ...timeouts,
    // Attachments are read from DATA_DIR only; nothing is fetched from a URL.
    disableUrlAccess: true,
  });
  return {
    kind: "smtp",
    send: async (message) => {
      const info = await transport.sendMail(message);
      return { response: String(info.response ?? "") };
    },
    close: async () => transport.close(),
  };
};

/** File-name-safe form of a Message-ID. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._@-]/g, "_").slice(0, 180);

/**
 * Without SMTP_URL every email is written to `<DATA_DIR>/outbox/<id>-<message id>.eml` (written to a
 * temporary name, then renamed, so a file is never seen half-written). A retried write replaces the
 * same file, so this mode delivers exactly once.
 */
export const emlDelivery = (dataDir: string): Delivery => {
  const dir = path.join(dataDir, "outbox");
  return {
    kind: "eml",
    send: async (message, file) => {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 }); // private, whatever the umask (issue 9.5)
      const raw = await new MailComposer(message).compile().build();
      const target = path.join(dir, `${file.id}-${safe(file.messageId)}.eml`);
      const tmp = `${target}.${process.pid}.tmp`;
      await fs.writeFile(tmp, raw, { mode: 0o600 });
      await fs.rename(tmp, target);
      return { response: `written ${path.relative(dataDir, target)}` };
    },
    close: async () => {},
  };
};
