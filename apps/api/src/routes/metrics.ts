import { createHash, timingSafeEqual } from "node:crypto";
import {
  type CanaryState,
  describeMailboxKey,
  type MailHealth,
  readMailHealth,
  readCanary,
  readMailMetrics,
  readProcessHealth,
  type Viewer,
} from "@tidings/core";
import { type Request, type Response, Router } from "express";
import type { ApiDeps } from "../context.ts";
import { mailHealthFactsOf } from "../mail-health-facts.ts";
import { renderProcessMetrics } from "./process-metrics.ts";

const label = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Issue 13.4: the canary's last round trip and whether a probe is overdue (only when the canary runs). */
export const renderCanaryMetrics = (c: CanaryState | null): string =>
  c === null
    ? ""
    : [
        "# HELP tidings_canary_round_trip_seconds Seconds the last canary probe took from queued to ingested.",
        "# TYPE tidings_canary_round_trip_seconds gauge",
        `tidings_canary_round_trip_seconds ${c.lastRoundTripSeconds ?? -1}`,
        "# HELP tidings_canary_overdue 1 when a canary probe has not come back within CANARY_ALERT_AFTER_MINUTES.",
        "# TYPE tidings_canary_overdue gauge",
        `tidings_canary_overdue ${c.overdue ? 1 : 0}`,
        "",
      ].join("\n");

/** Issue 13.4: the mail-health page's figures, for a scraper: each channel's state and the day's rates. */
export const renderHealthMetrics = (h: MailHealth): string => {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples)
      lines.push(`${name}${labels ? `{${labels}}` : ""} ${Number.isFinite(value) ? value : 0}`);
  };
  gauge(
    "tidings_mail_channel_failing",
    "1 when a way mail comes in or goes out is failing or not read (Mail health); off channels are not listed.",
    h.channels
      .filter((c) => c.state !== "off")
      .map((c): [string, number] => [`kind="${label(c.kind)}",channel="${label(c.id)}"`, c.state === "ok" ? 0 : 1]),
  );
  gauge("tidings_inbound_received_24h", "Emails received in the last 24 hours.", [["", h.inbound.received24h]]);
  gauge("tidings_inbound_rejected_24h", "Emails rejected in the last 24 hours.", [["", h.inbound.rejected24h]]);
  gauge("tidings_inbound_bounces_24h", "Bounces received in the last 24 hours.", [["", h.inbound.bounces24h]]);
  gauge("tidings_outbound_sent_24h", "Emails sent in the last 24 hours.", [["", h.outbound.sent24h]]);
  gauge("tidings_outbound_failed_24h", "Emails that failed for good in the last 24 hours.", [
    ["", h.outbound.failed24h],
  ]);
  return `${lines.join("\n")}\n`;
};

/** Prometheus text exposition of the mail metrics. */
export const renderMetrics = (m: Awaited<ReturnType<typeof readMailMetrics>>): string => {
  const out: string[] = [];
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${label(v)}"`)
        .join(",");
      out.push(`${name}${l ? `{${l}}` : ""} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const statuses = (rec: Record<string, number>, all: string[]) =>
    all.map((s): [Record<string, string>, number] => [{ status: s }, rec[s] ?? 0]);
  gauge(
    "tidings_inbound_emails",
    "Received emails by outcome.",
    statuses(m.inboundByStatus, [
      "received",
      "issue",
      "note",
      "unsubscribed",
      "duplicate",
      "ignored",
      "rejected",
      "failed",
      "deleted",
    ]),
  );
  gauge("tidings_inbound_backlog", "Stored emails not applied yet.", [[{}, m.inboundBacklog]]);
  gauge("tidings_inbound_oldest_unprocessed_age_seconds", "Age of the oldest email not applied yet.", [
    [{}, m.inboundOldestUnprocessedSeconds],
  ]);
  gauge(
    "tidings_inbound_latency_seconds",
    "Store-to-outcome latency over the last hour (of mail stored within a day).",
    [
      [{ quantile: "0.5" }, m.inboundLatencySeconds.p50],
      [{ quantile: "0.95" }, m.inboundLatencySeconds.p95],
    ],
  );
  gauge("tidings_inbound_processed_last_hour", "Emails stored within a day that reached an outcome in the last hour.", [
    [{}, m.inboundLatencySeconds.count],
  ]);
  gauge(
    "tidings_outbound_emails",
    "Outbox emails by state.",
    statuses(m.outboundByStatus, ["queued", "sending", "sent", "failed"]),
  );
  gauge("tidings_outbound_backlog", "Outbox emails waiting to be sent.", [[{}, m.outboundBacklog]]);
  gauge("tidings_outbound_oldest_queued_age_seconds", "Age of the oldest email waiting to be sent.", [
    [{}, m.outboundOldestQueuedSeconds],
  ]);
  gauge(
    "tidings_outbound_interrupted_sends",
    "Sends taken over after they had begun (a worker died mid-send) and made again: each may have arrived twice.",
    [[{}, m.outboundInterruptedSends]],
  );
  gauge(
    "tidings_mailbox_last_sync_age_seconds",
    "Seconds since each mailbox (IMAP or Microsoft Graph) was last read successfully (mailbox lag).",
    m.mailboxes.map((b): [Record<string, string>, number] => [mailboxLabels(b.mailbox), b.lastSyncAgeSeconds ?? -1]),
  );
  gauge(
    "tidings_mailbox_failing",
    "1 when the last attempt to read the mailbox failed.",
    m.mailboxes.map((b): [Record<string, string>, number] => [mailboxLabels(b.mailbox), b.failing ? 1 : 0]),
  );
  return `${out.join("\n")}\n`;
};

/** A mailbox's labels without its credentials or server: its role, transport and id (describeMailboxKey). */
export const mailboxLabels = (mailboxKey: string): Record<string, string> => {
  const { role, transport, id } = describeMailboxKey(mailboxKey);
  return { mailbox: role, transport, mailbox_id: id };
};

const sameSecret = (given: string, expected: string) => {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
};

/**
 * GET /-/metrics (G2): for instance admins (session or token), or for a scraper presenting
 * `Authorization: Bearer <METRICS_TOKEN>`. Where the client connects from proves nothing (behind a
 * reverse proxy every request is loopback), so nobody else learns it exists: 404.
 */
export const metricsRouter = ({ dataSource, config }: Pick<ApiDeps, "dataSource" | "config">) => {
  const router = Router();
  router.get("/-/metrics", async (req: Request, res: Response) => {
    const viewer = res.locals.viewer as Viewer;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const scraper = !!config.METRICS_TOKEN && !!bearer && sameSecret(bearer, config.METRICS_TOKEN);
    if (!viewer?.admin && !scraper) {
      res.status(404).json({ message: "Not found" });
      return;
    }
    res
      .type("text/plain; version=0.0.4")
      .send(
        renderMetrics(await readMailMetrics(dataSource.manager)) +
          renderProcessMetrics(await readProcessHealth(dataSource.manager)) +
          renderCanaryMetrics(
            config.CANARY_INTERVAL_MINUTES > 0
              ? await readCanary(dataSource.manager, config.CANARY_ALERT_AFTER_MINUTES)
              : null,
          ) +
          renderHealthMetrics(
            await readMailHealth(dataSource.manager, { projectId: null, admin: true }, mailHealthFactsOf(config)),
          ),
      );
  });
  return router;
};
