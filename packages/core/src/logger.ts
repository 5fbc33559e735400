import { type Logger, pino } from "pino";

export type { Logger };

/** Structured logs with secrets redacted at the root (G2). Never log bodies or raw sources at info. */
export const createLogger = (level: string, name?: string): Logger =>
  pino({
    name,
    level,
    redact: {
      paths: [
        "password",
        "*.password",
        "*.pass",
        "*.passwordHash",
        "*.token",
        "*.accessToken",
        "*.replyKey",
        "*.raw",
        "*.rawSource",
        "req.headers.authorization",
        "req.headers.cookie",
        "headers.authorization",
        "headers.cookie",
        "config.DATABASE_URL",
        "config.IMAP_URL",
        "config.SERVICE_DESK_IMAP_URL",
        "config.SMTP_URL",
        "config.DEMO_PASSWORD",
        "config.MAIL_WEBHOOK_SECRET",
      ],
      censor: "[redacted]",
    },
  });
