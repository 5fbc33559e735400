import { type EntityManager, SentNotificationEntity } from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { type IngestSettings, resolveProject, routeSettingsOf } from "./process-inbound-email.ts";
import { matchRecipient, targetOfKey } from "./route.ts";

/**
 * For the SMTP listener's RCPT TO: whether mail to this address will be accepted — a project whose
 * Service Desk takes mail (enabled, issues on), or a reply key that exists. Anything else gets the same
 * 550 as an address that never existed: RCPT must not reveal which private projects exist (issue 9.9).
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
    return db.existsBy(SentNotificationEntity, { replyKeyDigest: digest(target.replyKey) });
  }
  const project = await resolveProject(db, target);
  return project?.serviceDeskEnabled === true && project.issuesEnabled;
};
