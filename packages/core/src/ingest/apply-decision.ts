// Issue 14.1: inbound processing is decide → apply. decide.ts turns a stored message into a typed
// Decision without touching the database; this file applies one Decision inside the caller's
// transaction; process-inbound-email.ts claims, decides and applies many messages at once (the worker's
// path, and, with a batch of one, every other caller's).
import { type EntityManager, SentNotificationEntity } from "@tidings/db";
import { digest } from "../auth/secrets.ts";
import { canaryArrived } from "../operations/canary.ts";
import type { MailTarget } from "../service-desk/mail-key-codec.ts";
import { unsubscribeByReplyKey } from "../notifications/unsubscribe.ts";
import { keyFromAddress } from "../service-desk/mail-key-codec.ts";
import {
  checkCustomEmailVerification,
  projectOfCustomEmail,
  VERIFICATION_ERROR_TEXT,
} from "../settings/custom-email.ts";
import {
  type ApplyRow,
  type Ctx,
  type InboundOutcome,
  newContext,
  outcome,
  reject,
  rejectMessage,
  type Lookups,
  type OpenIssue,
} from "./apply-context.ts";
import { applyReplyKey } from "./apply-reply-key.ts";
import { directLookups } from "./lookups.ts";
import { applyServiceDesk } from "./apply-service-desk.ts";
import type { Decision, Route } from "./decide.ts";
import type { IngestSettings } from "./ingest-settings.ts";
import { REJECTION } from "./rejection-texts.ts";

/** Issue 13.2 (GitLab item 34): a returned verification email finishes or fails its project's verification. */
const applyCustomEmailVerification = async (
  ctx: Ctx,
  route: Extract<Route, { kind: "custom-email-verification" }>,
): Promise<InboundOutcome> => {
  const projectId = await projectOfCustomEmail(ctx.db, route.address);
  if (projectId === null) {
    return outcome("ignored", {
      reason: `Ignored: a custom email verification for ${route.address}, which no project has set up.`,
    });
  }
  const alias = ctx.settings.mail.serviceDeskEmailAddress;
  const result = await checkCustomEmailVerification(
    ctx.db,
    projectId,
    { recipients: route.recipients, from: ctx.content.from, body: ctx.content.body, receivedAt: new Date() },
    { isAliasAddress: (address) => !!alias && keyFromAddress(alias, address) !== null },
  );
  const reason = !result
    ? "Ignored: a custom email verification that was not waiting (already verified, failed or reset)."
    : result.error
      ? `Custom email verification failed: ${VERIFICATION_ERROR_TEXT[result.error]}`
      : "Custom email verification finished: the address is verified.";
  return outcome("ignored", { projectId, reason });
};

const applyRoute = async (ctx: Ctx, route: Route): Promise<InboundOutcome> => {
  switch (route.kind) {
    case "reply":
      ctx.via = route.header;
      return applyReplyKey(ctx, route.replyKey, route.trimmed);
    case "unsubscribe": {
      const r = await unsubscribeByReplyKey(ctx.db, ctx.settings.mail, { replyKey: route.replyKey });
      if (r.status === "unknown_key") return reject(ctx, REJECTION.sentNotificationNotFound, "unknown unsubscribe key");
      return outcome("unsubscribed", { issueId: r.issueId, reason: `${r.email} unsubscribed (${r.status}).` });
    }
    case "custom-email-verification":
      return applyCustomEmailVerification(ctx, route);
    case "canary": {
      const arrived = await canaryArrived(ctx.db, route.token);
      return outcome("ignored", {
        projectId: arrived?.projectId ?? null,
        reason: arrived
          ? `Canary probe: came back ${arrived.seconds} s after it was queued (not an issue).`
          : "Ignored: a canary header that matches no probe of ours waiting to come back.",
      });
    }
    case "project": {
      const project = await ctx.lookups.project(route.target);
      if (!project) return reject(ctx, REJECTION.projectNotFound, `no project for ${route.address}`);
      if (!project.serviceDeskEnabled || !project.issuesEnabled) {
        return reject(ctx, REJECTION.serviceDeskDisabled, `Service Desk is disabled for ${project.fullPath}`, {
          projectId: project.id,
        });
      }
      ctx.via = route.header;
      return applyServiceDesk(ctx, project);
    }
  }
};

/**
 * The project a message was sent to, for one that was quarantined or refused before routing (issue 12.7):
 * its Service Desk address, or the project of the reply key it answers. Null when it names none.
 */
const projectOf = async (
  db: EntityManager,
  destination: MailTarget | null | undefined,
  lookups: Lookups | undefined,
): Promise<number | null> => {
  if (!destination) return null;
  switch (destination.kind) {
    case "reply":
    case "unsubscribe": {
      const sent = await db.findOne(SentNotificationEntity, {
        where: { replyKeyDigest: digest(destination.replyKey) },
        select: { id: true, projectId: true },
      });
      return sent?.projectId ?? null;
    }
    case "unknown":
      return null;
    default:
      return (await (lookups ?? directLookups(db)).project(destination))?.id ?? null;
  }
};

/** Applies one decided message inside the caller's transaction. Throws only on infrastructure errors. */
export const applyDecision = async (
  db: EntityManager,
  settings: IngestSettings,
  row: ApplyRow,
  decision: Decision,
  batch?: { lookups: Lookups; openIssue: OpenIssue },
): Promise<InboundOutcome> => {
  switch (decision.kind) {
    case "quarantine":
      return outcome(decision.status, {
        reason: decision.reason,
        projectId: await projectOf(db, decision.destination, batch?.lookups),
        screening: decision.screening ?? null,
      });
    case "reject":
      return rejectMessage(db, settings, row, decision, {
        projectId: await projectOf(db, decision.destination, batch?.lookups),
      });
    case "route": {
      const result = await applyRoute(newContext(db, settings, row, decision.content, batch), decision.route);
      result.screening = decision.content.screening ?? null;
      return result;
    }
  }
};
