// Issue 13.4: the scheduled canary (CANARY_INTERVAL_MINUTES, off at 0). Every minute: a probe overdue for
// CANARY_ALERT_AFTER_MINUTES raises its alert once (core's alertOverdueCanaries), and when the last probe is
// older than the interval a new one is queued to CANARY_PROJECT's Service Desk address. Failures are
// logged and tried again at the next tick; several workers may run it (a probe more changes nothing).
import { alertOverdueCanaries, mailSettingsFromConfig, sendCanary } from "@tidings/core";
import type { Stoppable, WorkerContext } from "../context.ts";
import { every } from "./every.ts";

export const startCanary = (ctx: WorkerContext, opts: { tickMs?: number } = {}): Stoppable => {
  const {
    CANARY_INTERVAL_MINUTES: interval,
    CANARY_PROJECT: project,
    CANARY_ALERT_AFTER_MINUTES: alertAfter,
  } = ctx.config;
  if (interval === 0 || !project) return { stop: async () => {} };
  const log = ctx.log.child({ module: "canary" });
  const mail = mailSettingsFromConfig(ctx.config);
  const tick = async () => {
    try {
      await ctx.dataSource.transaction(async (db) => {
        const overdue = await alertOverdueCanaries(db, mail, alertAfter);
        if (overdue > 0) log.error({ overdue, alertAfterMinutes: alertAfter }, "canary.overdue_admins_alerted");
        // One worker at a time decides whether a probe is due.
        await db.query("SELECT pg_advisory_xact_lock(7100013)");
        const [last] = await db.query(
          "SELECT max(queued_at) > now() - make_interval(mins => $1) AS recent FROM mail_canaries",
          [interval],
        );
        if (last?.recent) return;
        const queued = await sendCanary(db, mail, project);
        if (!queued.queued) log.error({ reason: queued.reason }, "canary.not_sent");
      });
    } catch (err) {
      log.warn({ err }, "canary.tick_failed_will_retry");
    }
  };
  return every(opts.tickMs ?? 60_000, tick);
};
