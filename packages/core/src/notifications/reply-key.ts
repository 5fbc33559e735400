import { randomBytes } from "node:crypto";
import { addressForKey, encodeKey, replyReferenceId, unsubscribePath } from "../service-desk/mail-key-codec.ts";
import type { MailSettings } from "./mail-settings.ts";

/** 128 random bits as 32 lowercase hex chars (GitLab's reply-key format); never derived from ids. */
export const newReplyKey = () => randomBytes(16).toString("hex");

export const replyAddress = (mail: MailSettings, key: string) =>
  addressForKey(mail.incomingEmailAddress, encodeKey({ kind: "reply", replyKey: key }));
export const unsubscribeAddress = (mail: MailSettings, key: string) =>
  addressForKey(mail.incomingEmailAddress, encodeKey({ kind: "unsubscribe", replyKey: key }));
export const unsubscribeUrl = (mail: MailSettings, key: string) => `${mail.publicUrl}${unsubscribePath(key)}`;
/** The References entry that lets a reply find its key even when the client drops Reply-To. */
export const replyReference = (mail: MailSettings, key: string) => replyReferenceId(mail.messageIdHost, key);
export const issueThreadId = (mail: MailSettings, issueId: number) => `issue_${issueId}@${mail.messageIdHost}`;
export const randomMessageId = (mail: MailSettings) => `${randomBytes(16).toString("hex")}@${mail.messageIdHost}`;

/**
 * Hides reply keys quoted in a text (a reply quotes the email it answers, with that participant's
 * unsubscribe link and reply address): a key lets whoever holds it post as and unsubscribe its owner.
 */
export { redactReplyKeys } from "../service-desk/mail-key-codec.ts";
