// Issue 13.4: the canary. Tidings mails a probe to a project's Service Desk address through its own
// outbound path (SMTP_URL, the real mail system) and measures how long it takes to come back through the
// inbound path (SMTP listener, IMAP, Graph). A probe that does not come back in time raises one alert: an
// email to the instance admins, the metrics, and the mail-health page. A probe is never an issue.
import { randomBytes } from "node:crypto";
import { type EntityManager, OutboundKind, ProjectEntity, rowsOf, ServiceDeskSettingEntity } from "@tidings/db";
import { enqueueEmail } from "../notifications/enqueue.ts";
import type { MailSettings } from "../notifications/mail-settings.ts";
import { randomMessageId } from "../notifications/reply-key.ts";
import { serviceDeskAddress } from "../service-desk/addresses.ts";

/** The header that carries a probe's token (random, unguessable: a forged header matches nothing). */
export const CANARY_HEADER = "X-Tidings-Canary";

export type CanaryQueued = { queued: true; canaryId: number } | { queued: false; reason: string };

export const sendCanary = async (db: EntityManager, mail: MailSettings, projectPath: string): Promise<CanaryQueued> => {
  const project = await db.findOneBy(ProjectEntity, { fullPath: projectPath });
  if (!project) return { queued: false, reason: `CANARY_PROJECT ${projectPath} does not exist.` };
  const settings = await db.findOneBy(ServiceDeskSettingEntity, { projectId: project.id });
  const to = serviceDeskAddress(mail, project, settings);
  if (!to)
    return { queued: false, reason: `Service Desk is disabled in ${projectPath}: the canary has no address to mail.` };
  const token = randomBytes(16).toString("hex");
  const [row]: { id: number }[] = await db.query(
    "INSERT INTO mail_canaries (project_id, token) VALUES ($1, $2) RETURNING id",
    [project.id, token],
  );
  await enqueueEmail(db, {
    kind: OutboundKind.Canary,
    projectId: project.id,
    toAddress: to,
    fromName: "Tidings canary",
    subject: `Tidings canary ${row.id}`,
    messageId: randomMessageId(mail),
    headers: { [CANARY_HEADER]: token, "Auto-Submitted": "auto-generated" },
    textBody: "A probe of this Tidings instance's mail path. It is recorded on arrival and never becomes an issue.",
  });
  return { queued: true, canaryId: row.id };
};

/** A probe came back: its round trip, or null when the token is not one of ours (or already counted). */
export const canaryArrived = async (
  db: EntityManager,
  token: string,
): Promise<{ projectId: number; seconds: number } | null> => {
  const [row] = rowsOf<{ project_id: number; seconds: number }>(
    await db.query(
      `UPDATE mail_canaries SET arrived_at = now()
        WHERE token = $1 AND arrived_at IS NULL
        RETURNING project_id, extract(epoch FROM now() - queued_at)::float AS seconds`,
      [token],
    ),
  );
  return row ? { projectId: row.project_id, seconds: Math.round(row.seconds * 10) / 10 } : null;
};

export type CanaryState = {
  lastArrivedAt: Date | null;
  lastRoundTripSeconds: number | null;
  /** A probe older than the alert delay has not come back. */
  overdue: boolean;
  lastQueuedAt: Date | null;
};

export const readCanary = async (db: EntityManager, alertAfterMinutes: number): Promise<CanaryState> => {
  const [row] = await db.query(
    `SELECT (SELECT arrived_at FROM mail_canaries WHERE arrived_at IS NOT NULL ORDER BY id DESC LIMIT 1) AS arrived,
            (SELECT extract(epoch FROM arrived_at - queued_at)::float FROM mail_canaries
              WHERE arrived_at IS NOT NULL ORDER BY id DESC LIMIT 1) AS round_trip,
            (SELECT max(queued_at) FROM mail_canaries) AS queued,
            EXISTS (SELECT 1 FROM mail_canaries WHERE arrived_at IS NULL
                       AND queued_at < now() - make_interval(mins => $1)) AS overdue`,
    [alertAfterMinutes],
  );
  return {
    lastArrivedAt: row.arrived,
    lastRoundTripSeconds: row.round_trip === null ? null : Math.round(row.round_trip * 10) / 10,
    overdue: row.overdue,
    lastQueuedAt: row.queued,
  };
};

/**
 * Probes overdue for the first time: each is marked alerted and the instance admins get one email about it.
 * Returns how many were overdue.
 */
export const alertOverdueCanaries = async (
  db: EntityManager,
  mail: MailSettings,
  alertAfterMinutes: number,
): Promise<number> => {
  const overdue = rowsOf<{ id: number; queued_at: Date }>(
    await db.query(
      `UPDATE mail_canaries SET alerted_at = now()
        WHERE arrived_at IS NULL AND alerted_at IS NULL AND queued_at < now() - make_interval(mins => $1)
        RETURNING id, queued_at`,
      [alertAfterMinutes],
    ),
  );
  if (overdue.length === 0) return 0;
  const admins: { email: string }[] = await db.query("SELECT email FROM users WHERE admin AND NOT blocked");
  const first = overdue.reduce((a, b) => (a.queued_at < b.queued_at ? a : b));
  for (const admin of admins) {
    await enqueueEmail(db, {
      kind: OutboundKind.AdminAlert,
      dedupeKey: `canary-alert:${first.id}:${admin.email.toLowerCase()}`,
      toAddress: admin.email,
      fromName: "Tidings",
      subject: "Tidings: mail is not coming back — the canary probe is overdue",
      messageId: randomMessageId(mail),
      headers: { "Auto-Submitted": "auto-generated" },
      textBody: [
        `The canary probe Tidings mailed at ${first.queued_at.toISOString()} has not come back after ${alertAfterMinutes} minutes.`,
        "Mail from customers may not be arriving either. Open Mail health in Tidings to see which mailbox or",
        "server is failing, and check the forwarding of the Service Desk address.",
      ].join("\n"),
    });
  }
  return overdue.length;
};
