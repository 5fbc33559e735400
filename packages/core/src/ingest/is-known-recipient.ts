import { type EntityManager, SentNotificationEntity } from "@tidings/db";
import { type IngestSettings, resolveProject, routeSettingsOf } from "./process-inbound-email.ts";
import { matchRecipient, targetOfKey } from "./route.ts";

/**
 * For the SMTP listener's RCPT TO: whether an address is ours — a project resolves (enabled or not; a
 * disabled one is rejected later with GitLab's text and quarantined) or a reply key exists.
 */
export const isKnownRecipient = async (
  db: EntityManager,
  settings: IngestSettings,
  address: string,
): Promise<boolean> => {
  const match = matchRecipient(routeSettingsOf(settings.mail), address);
  if (!match) return false;
  const target = targetOfKey(match);
  if (target.kind === "unknown") return false;
  if (target.kind === "reply" || target.kind === "unsubscribe") {
    return db.existsBy(SentNotificationEntity, { replyKey: target.replyKey });
  }
  return (await resolveProject(db, target)) !== null;
};
