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

/** How long the SMTP listener trusts an RCPT TO answer (issue 14.3: no database round trip per message). */
export const RECIPIENT_CACHE_MS = 5_000;

/**
 * isKnownRecipient with a short memory per address: a flood to one Service Desk address asks the database
 * once every RECIPIENT_CACHE_MS, not once per message. RCPT is a pre-filter only: a Service Desk switched
 * off in that window is still refused by the apply step, with GitLab's rejection.
 */
export const cachedRecipientCheck = (
  db: EntityManager,
  settings: IngestSettings,
  opts: { ttlMs?: number; now?: () => number; maxEntries?: number } = {},
) => {
  const ttl = opts.ttlMs ?? RECIPIENT_CACHE_MS;
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? 10_000;
  const known = new Map<string, { answer: boolean; at: number }>();
  return async (address: string): Promise<boolean> => {
    const key = address.toLowerCase();
    const hit = known.get(key);
    if (hit && now() - hit.at < ttl) return hit.answer;
    const answer = await isKnownRecipient(db, settings, address);
    if (known.size >= maxEntries) known.clear();
    known.set(key, { answer, at: now() });
    return answer;
  };
};
