import { EmailParticipantEntity, type EntityManager, SentNotificationEntity } from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { createNote } from "../notes/create-note.ts";
import { ensureSupportBot } from "../users/support-bot.ts";
import type { MailSettings } from "./mail-settings.ts";

export type UnsubscribeResult =
  | { status: "unsubscribed"; email: string; issueId: number }
  | { status: "already_unsubscribed"; email: string; issueId: number }
  | { status: "unknown_key" };

/** What the unsubscribe page shows before the person confirms (GET). */
export const findUnsubscribeTarget = async (db: EntityManager, replyKey: string) => {
  const sent = await db.findOneBy(SentNotificationEntity, { replyKeyDigest: digest(replyKey) });
  if (!sent) return null;
  const participant = sent.participantId
    ? await db.findOneBy(EmailParticipantEntity, { id: sent.participantId })
    : null;
  return {
    email: participant?.email ?? sent.recipientEmail,
    unsubscribed: !participant || participant.unsubscribedAt !== null,
  };
};

/**
 * D4: the participant behind a reply key stops receiving mail for that issue, and a system note
 * (by Support Bot) records it. Idempotent: a second call changes nothing.
 */
export const unsubscribeByReplyKey = async (
  db: EntityManager,
  mail: MailSettings,
  input: { replyKey: string },
): Promise<UnsubscribeResult> => {
  const sent = await db.findOneBy(SentNotificationEntity, { replyKeyDigest: digest(input.replyKey) });
  if (!sent) return { status: "unknown_key" };
  const participant = sent.participantId
    ? await db.findOne(EmailParticipantEntity, {
        where: { id: sent.participantId },
        lock: { mode: "pessimistic_write" },
      })
    : null;
  if (!participant || participant.unsubscribedAt) {
    return { status: "already_unsubscribed", email: participant?.email ?? sent.recipientEmail, issueId: sent.issueId };
  }
  await db.update(EmailParticipantEntity, { id: participant.id }, { unsubscribedAt: new Date() });
  const bot = await ensureSupportBot(db);
  await createNote(db, mail, {
    issueId: sent.issueId,
    authorId: bot.id,
    body: `unsubscribed ${participant.email}`,
    system: true,
  });
  return { status: "unsubscribed", email: participant.email, issueId: sent.issueId };
};
