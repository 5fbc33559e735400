import type { Config } from "@tidings/config";
import { type UploadLinkSigning, uploadLinkSigningFromConfig } from "./signed-links.ts";

/** What outbound and inbound mail need to know about the instance; built once from the config. */
export type MailSettings = {
  publicUrl: string;
  emailFrom: string;
  incomingEmailAddress: string;
  serviceDeskEmailAddress: string | null;
  /** The host used in our Message-IDs and in `reply-<key>@<host>` References entries. */
  messageIdHost: string;
  /** Signs links to uploads in customer emails (signed-links.ts); unset: the links need a signed-in viewer. */
  uploadLinks?: UploadLinkSigning;
};

/** PUBLIC_URL's host names our Message-IDs (as GitLab uses its host); an IP falls back to EMAIL_FROM's domain. */
export const messageIdHostFor = (publicUrl: string, emailFrom: string) => {
  const host = new URL(publicUrl).hostname;
  return /[a-z]/i.test(host) && host !== "localhost" ? host : (emailFrom.split("@")[1] ?? "tidings.localhost");
};

export const mailSettingsFromConfig = (config: Config): MailSettings => ({
  publicUrl: config.PUBLIC_URL,
  emailFrom: config.EMAIL_FROM,
  incomingEmailAddress: config.INCOMING_EMAIL_ADDRESS,
  serviceDeskEmailAddress: config.SERVICE_DESK_EMAIL_ADDRESS ?? null,
  messageIdHost: messageIdHostFor(config.PUBLIC_URL, config.EMAIL_FROM),
  uploadLinks: uploadLinkSigningFromConfig(config),
});
