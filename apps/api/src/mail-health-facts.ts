import type { Config } from "@tidings/config";
import type { MailHealthFacts } from "@tidings/core";

/** What the deployment runs, read from its configuration: one rule for the Mail health page and /-/metrics. */
export const mailHealthFactsOf = (config: Config): MailHealthFacts => ({
  smtpListener: config.INBOUND_SMTP_PORT > 0,
  webhook: Boolean(config.MAIL_WEBHOOK_SECRET),
  outbound: config.SMTP_URL ? "smtp" : "files",
  canary: { enabled: config.CANARY_INTERVAL_MINUTES > 0, alertAfterMinutes: config.CANARY_ALERT_AFTER_MINUTES },
});
