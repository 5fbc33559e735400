import { describe, expect, it } from "vitest";
import { isLoopback, renderMetrics } from "./metrics.ts";

describe("metrics", () => {
  it("is served to loopback scrapers only (admins elsewhere)", () => {
    expect(isLoopback("127.0.0.1")).toBe(true);
    expect(isLoopback("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopback("::1")).toBe(true);
    expect(isLoopback("10.0.0.5")).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });

  it("renders every status, the mailbox lag with an escaped label, and never NaN", () => {
    const text = renderMetrics({
      inboundByStatus: { issue: 3 },
      inboundBacklog: 0,
      inboundOldestUnprocessedSeconds: 0,
      inboundLatencySeconds: { p50: 0.02, p95: Number.NaN, count: 3 },
      outboundByStatus: {},
      outboundBacklog: 0,
      outboundOldestQueuedSeconds: 0,
      mailboxes: [{ mailbox: 'incoming:a"b@127.0.0.1:143/INBOX', lastSyncAgeSeconds: 4.5, failing: true }],
    });
    expect(text).toContain('tidings_inbound_emails{status="issue"} 3');
    expect(text).toContain('tidings_inbound_emails{status="failed"} 0');
    expect(text).toContain('tidings_inbound_latency_seconds{quantile="0.95"} 0');
    expect(text).toContain('tidings_mailbox_last_sync_age_seconds{mailbox="incoming:a\\"b@127.0.0.1:143/INBOX"} 4.5');
    expect(text).toContain('tidings_mailbox_failing{mailbox="incoming:a\\"b@127.0.0.1:143/INBOX"} 1');
    expect(text).not.toContain("NaN");
  });
});
