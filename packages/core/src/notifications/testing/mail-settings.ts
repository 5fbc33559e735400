import type { MailSettings } from "../mail-settings.ts";

/** An instance's mail settings for tests that write notes and issues (nothing is sent). */
export const TEST_MAIL_SETTINGS: MailSettings = {
  publicUrl: "http://127.0.0.1:3000",
  emailFrom: "support@tidings.localhost",
  incomingEmailAddress: "incoming+%{key}@tidings.localhost",
  serviceDeskEmailAddress: null,
  messageIdHost: "tidings.localhost",
};
