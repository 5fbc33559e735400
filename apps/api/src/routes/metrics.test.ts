import { describe, expect, it } from "vitest";
import { mailboxLabels, renderCanaryMetrics, renderHealthMetrics, renderMetrics } from "./metrics.ts";

describe("metrics", () => {
  it("labels a mailbox by role and a stable digest, never by its user or server", () => {
    const key = "incoming:agent@mail.example.com:993/INBOX";
    expect(mailboxLabels(key)).toEqual({
      mailbox: "incoming",
      transport: "imap",
      mailbox_id: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    expect(mailboxLabels("graph:service_desk:support@contoso.test@graph.microsoft.com")).toMatchObject({
      mailbox: "service_desk",
      transport: "graph",
    });
    expect(mailboxLabels(key)).toEqual(mailboxLabels(key));
    expect(mailboxLabels(key).mailbox_id).not.toBe(
      mailboxLabels("incoming:other@mail.example.com:993/INBOX").mailbox_id,
    );
  });

  it("renders every status, the mailbox lag without credentials, and never NaN", () => {
    const text = renderMetrics({
      inboundByStatus: { issue: 3 },
      inboundBacklog: 0,
      inboundOldestUnprocessedSeconds: 0,
      inboundLatencySeconds: { p50: 0.02, p95: Number.NaN, count: 3 },
      outboundByStatus: {},
      outboundBacklog: 0,
      outboundOldestQueuedSeconds: 0,
      outboundInterruptedSends: 2,
      mailboxes: [{ mailbox: 'incoming:a"b@127.0.0.1:143/INBOX', lastSyncAgeSeconds: 4.5, failing: true }],
    });
    expect(text).toContain('tidings_inbound_emails{status="issue"} 3');
    expect(text).toContain('tidings_inbound_emails{status="failed"} 0');
    expect(text).toContain('tidings_inbound_latency_seconds{quantile="0.95"} 0');
    expect(text).toContain("tidings_outbound_interrupted_sends 2");
    const id = mailboxLabels('incoming:a"b@127.0.0.1:143/INBOX').mailbox_id;
    expect(text).toContain(
      `tidings_mailbox_last_sync_age_seconds{mailbox="incoming",transport="imap",mailbox_id="${id}"} 4.5`,
    );
    expect(text).toContain(`tidings_mailbox_failing{mailbox="incoming",transport="imap",mailbox_id="${id}"} 1`);
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain('a\\"b');
    expect(text).not.toContain("NaN");
  });

  it("renders the canary's figures only when it runs (13.4)", () => {
    expect(renderCanaryMetrics(null)).toBe("");
    const text = renderCanaryMetrics({
      lastArrivedAt: null,
      lastRoundTripSeconds: 4.2,
      overdue: true,
      lastQueuedAt: null,
    });
    expect(text).toContain("tidings_canary_round_trip_seconds 4.2");
    expect(text).toContain("tidings_canary_overdue 1");
  });

  it("renders Mail health's channels and the day's figures (13.4)", () => {
    const text = renderHealthMetrics({
      checkedAt: new Date(),
      channels: [
        {
          id: "abc",
          kind: "imap",
          direction: "in",
          role: "incoming",
          name: "x",
          state: "failing",
          detail: null,
          lastSuccessAt: null,
          lastError: null,
          lastErrorAt: null,
        },
        {
          id: "webhook",
          kind: "webhook",
          direction: "in",
          role: null,
          name: "w",
          state: "off",
          detail: null,
          lastSuccessAt: null,
          lastError: null,
          lastErrorAt: null,
        },
      ],
      inbound: {
        backlog: 0,
        oldestWaitingSeconds: 0,
        received24h: 9,
        rejected24h: 2,
        quarantined24h: 1,
        bounces24h: 1,
        rejectionRate: 2 / 9,
      },
      outbound: { backlog: 0, oldestQueuedSeconds: 0, sent24h: 7, failed24h: 0, bounceRate: 1 / 7 },
    });
    expect(text).toContain('tidings_mail_channel_failing{kind="imap",channel="abc"} 1');
    expect(text).not.toContain('channel="webhook"');
    expect(text).toContain("tidings_inbound_rejected_24h 2");
    expect(text).toContain("tidings_outbound_sent_24h 7");
  });
});
