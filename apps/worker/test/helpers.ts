// Shared helpers of the worker's integration tests.
import { loadConfig } from "@tidings/config";
import { createLogger } from "@tidings/core";
import type { DataSource } from "@tidings/db";
import type { WorkerContext } from "../src/context.ts";

/** A worker context on a test database; env values are the worker's variables (contract.md). */
export const testWorkerContext = (
  dataSource: DataSource,
  url: string,
  env: Record<string, string> = {},
): WorkerContext => ({
  config: loadConfig({
    DATABASE_URL: url,
    INBOUND_SMTP_PORT: "0",
    INCOMING_EMAIL_ADDRESS: "incoming+%{key}@appmail.adventuretime.ooo",
    SERVICE_DESK_EMAIL_ADDRESS: "support+%{key}@example.com",
    EMAIL_FROM: "support@tidings.test",
    PUBLIC_URL: "http://localhost:3000",
    LOG_LEVEL: "silent",
    ...env,
  }),
  dataSource,
  log: createLogger("silent", "worker-test"),
});

/** Polls until fn returns a truthy value (no fixed sleeps). */
export const eventually = async <T>(
  fn: () => Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<NonNullable<T>> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`eventually: timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};

/** A small RFC 822 message for the project email/test of the ingest test world. */
export const simpleMessage = (opts: {
  projectId: number;
  n?: number | string;
  from?: string;
  subject?: string;
  body?: string;
  to?: string;
}) =>
  Buffer.from(
    [
      `From: ${opts.from ?? "Customer <customer@example.org>"}`,
      `To: ${opts.to ?? `incoming+email-test-${opts.projectId}-issue-@appmail.adventuretime.ooo`}`,
      `Subject: ${opts.subject ?? `Help ${opts.n ?? 1}`}`,
      `Message-ID: <msg-${opts.n ?? 1}-${opts.projectId}@example.org>`,
      "Date: Sat, 21 Nov 2026 12:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      opts.body ?? `Printer ${opts.n ?? 1} is on fire.`,
      "",
    ].join("\r\n"),
  );
