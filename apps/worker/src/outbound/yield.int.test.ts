// Issue 14.3: the outbox runner yields to the inbound backlog. During a burst of mail the thank-yous wait
// until the issues are in (they took a third of the two cores from the burst), for at most `maxYieldMs` at
// a time, so a long flood slows them down but never stops them. Real PostgreSQL and a real SMTP server; the
// backlog is the processor's signal, driven by the test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type DataSource, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type SmtpCapture, startSmtpCapture } from "../../test/smtp-capture.ts";
import { seedTicket, testWorkerContext } from "../../test/service-desk-fixtures.ts";
import type { InboundBacklog } from "../inbound/processor.ts";
import { startOutbound } from "./index.ts";

type Ending = { how: "drained" | "time limit"; maxMs: number; sentBefore: number };

/**
 * A backlog the test keeps busy, then drains. `firstAsk` resolves when the runner first waits on it; each
 * wait that ends is logged with how it ended and how many emails had reached the server by then.
 */
const testBacklog = (sent: () => number) => {
  let busy = true;
  const drains = new Set<() => void>();
  const endings: Ending[] = [];
  let asked: () => void = () => undefined;
  const firstAsk = new Promise<void>((resolve) => {
    asked = resolve;
  });
  let asks = 0;
  const backlog: InboundBacklog = {
    busy: () => busy,
    idle: (maxMs) =>
      new Promise<void>((resolve) => {
        asks++;
        asked();
        const end = (how: Ending["how"]) => {
          clearTimeout(timer);
          drains.delete(drained);
          endings.push({ how, maxMs, sentBefore: sent() });
          resolve();
        };
        const drained = () => end("drained");
        const timer = setTimeout(() => end("time limit"), maxMs);
        drains.add(drained);
      }),
  };
  return {
    backlog,
    firstAsk,
    asks: () => asks,
    endings: () => endings,
    drain: () => {
      busy = false;
      for (const d of [...drains]) d();
    },
  };
};

let db: TestDatabase;
let ds: DataSource;
let dataDir: string;
let smtp: SmtpCapture;
beforeEach(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tidings-outbound-yield-"));
  smtp = await startSmtpCapture();
});
afterEach(async () => {
  await smtp.stop();
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const statuses = async () => (await ds.getRepository(OutboundEmailEntity).find()).map((e) => e.status);

it("holds the thank-you while inbound mail waits to be processed, and sends it once the backlog is drained", async () => {
  const { ctx, mail } = testWorkerContext({ databaseUrl: db.url, dataSource: ds, dataDir, smtpUrl: smtp.url });
  await seedTicket(ds, mail, { title: "Printer on fire" });
  const inbound = testBacklog(() => smtp.messages.length);
  const runner = await startOutbound(ctx, { pollIntervalMs: 50, yieldTo: inbound.backlog, maxYieldMs: 60_000 });
  try {
    // The barrier: the runner is waiting on the backlog instead of claiming.
    await inbound.firstAsk;
    expect(await statuses()).toEqual(["queued"]);
    // A NOTIFY (or the poll) does not cut the wait short: still one wait, nothing claimed or sent.
    runner.wake();
    expect(await statuses()).toEqual(["queued"]);
    expect(inbound.asks()).toBe(1);
    expect(smtp.messages).toEqual([]);

    inbound.drain();
    await expect.poll(() => smtp.messages.length, { timeout: 10_000 }).toBe(1);
    expect(smtp.messages[0].envelope.to).toEqual(["jane@customer.test"]);
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(["sent"]);
  } finally {
    await runner.stop();
  }
});

it("sends a batch after yielding for maxYieldMs when the backlog never drains (a long flood)", async () => {
  const { ctx, mail } = testWorkerContext({ databaseUrl: db.url, dataSource: ds, dataDir, smtpUrl: smtp.url });
  await seedTicket(ds, mail, { title: "One" });
  await seedTicket(ds, mail, { title: "Two" });
  const inbound = testBacklog(() => smtp.messages.length);
  const runner = await startOutbound(ctx, { pollIntervalMs: 50, yieldTo: inbound.backlog, maxYieldMs: 400 });
  try {
    await expect.poll(() => smtp.messages.length, { timeout: 10_000 }).toBe(2);
    // The backlog never drained: the first wait ended at the runner's limit, before anything was sent.
    expect(inbound.endings()[0]).toEqual({ how: "time limit", maxMs: 400, sentBefore: 0 });
    expect(inbound.endings().every((e) => e.how === "time limit")).toBe(true);
  } finally {
    await runner.stop();
  }
});

it("stops at once while it yields", async () => {
  const { ctx, mail } = testWorkerContext({ databaseUrl: db.url, dataSource: ds, dataDir, smtpUrl: smtp.url });
  await seedTicket(ds, mail);
  const inbound = testBacklog(() => smtp.messages.length);
  const runner = await startOutbound(ctx, { pollIntervalMs: 50, yieldTo: inbound.backlog, maxYieldMs: 10 * 60_000 });
  await inbound.firstAsk;
  // The wait is 10 minutes long: stop() returns only because it cuts the wait short (else the test times
  // out), and the wait it cut is still open.
  await runner.stop();
  expect(inbound.endings()).toEqual([]);
  expect(await statuses()).toEqual(["queued"]);
});
