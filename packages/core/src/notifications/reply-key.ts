import { randomBytes } from "node:crypto";
import { addressForKey } from "../service-desk/addresses.ts";
import type { MailSettings } from "./mail-settings.ts";

/** 128 random bits as 32 lowercase hex chars (GitLab's reply-key format); never derived from ids. */
export const newReplyKey = () => randomBytes(16).toString("hex");

export const replyAddress = (mail: MailSettings, key: string) => addressForKey(mail.incomingEmailAddress, key);
export const unsubscribeAddress = (mail: MailSettings, key: string) =>
  addressForKey(mail.incomingEmailAddress, `${key}-unsubscribe`);
export const unsubscribeUrl = (mail: MailSettings, key: string) => `${mail.publicUrl}/-/unsubscribe/${key}`;
/** The References entry that lets a reply find its key even when the client drops Reply-To. */
export const replyReference = (mail: MailSettings, key: string) => `reply-${key}@${mail.messageIdHost}`;
export const issueThreadId = (mail: MailSettings, issueId: number) => `issue_${issueId}@${mail.messageIdHost}`;
export const randomMessageId = (mail: MailSettings) => `${randomBytes(16).toString("hex")}@${mail.messageIdHost}`;

/**
 * Hides reply keys quoted in a note (a reply quotes the email it answers, with that participant's
 * unsubscribe link and reply address) before the note is emailed to other participants: a key lets
 * whoever holds it unsubscribe its owner.
 */
export const redactReplyKeys = (text: string) =>
  text
    .replace(/(\/-\/unsubscribe\/)[0-9a-f]{32}\b/gi, "$1[redacted]")
    .replace(/\+[0-9a-f]{32}(-unsubscribe)?@/gi, "+[redacted]$1@")
    .replace(/\breply-[0-9a-f]{32}@/gi, "reply-[redacted]@");
