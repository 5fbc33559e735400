// What the ingestion pipeline needs from the configuration.
import type { Config } from "@tidings/config";
import { type MailSettings, mailSettingsFromConfig } from "../notifications/mail-settings.ts";
import { type RouteSettings } from "./route.ts";
import type { ScreeningSettings } from "./screen.ts";

export type IngestSettings = {
  mail: MailSettings;
  dataDir: string;
  maxEmailBytes: number;
  maxAttachmentBytes: number;
  /** New issues per sender per project per hour; 0 = no limit. */
  issuesPerSenderPerHour: number;
  /** Issue 13.3: sender authentication and spam scoring before routing (absent: no screening). */
  screening?: ScreeningSettings;
};

export const ingestSettingsFromConfig = (config: Config): IngestSettings => ({
  mail: mailSettingsFromConfig(config),
  dataDir: config.DATA_DIR,
  maxEmailBytes: config.MAX_EMAIL_BYTES,
  maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES,
  issuesPerSenderPerHour: config.INBOUND_ISSUES_PER_SENDER_PER_HOUR,
  screening: {
    senderAuth: config.SENDER_AUTH,
    spamCheckUrl: config.SPAM_CHECK_URL ?? null,
    dnsServers: config.SENDER_AUTH_DNS_SERVERS,
  },
});

export const routeSettingsOf = (mail: MailSettings): RouteSettings => ({
  incomingEmailAddress: mail.incomingEmailAddress,
  serviceDeskEmailAddress: mail.serviceDeskEmailAddress,
  replyHost: mail.messageIdHost,
});
