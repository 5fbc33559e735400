import type { AddressInfo } from "node:net";
import { loadConfig } from "@tidings/config";
import { createLogger } from "@tidings/core";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { mailFixture } from "@tidings/core/src/ingest/testing/fixtures.ts";
import { type DataSource, InboundEmailEntity, IssueEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The worker's inbound side, as deployed next to the api: the webhook only stores and signals.
import { type Inbound, startInbound } from "../../../worker/src/inbound/index.ts";
import { testWorkerContext } from "../../../worker/test/helpers.ts";
import { mailIncomingRouter } from "./mail-incoming.ts";

const SECRET = "a-very-long-webhook-secret";
const eventually = async <T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("POST /-/mail/incoming", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let projectId: number;
  const servers: { base: string; close: () => Promise<void> }[] = [];
  const serve = async (env: Record<string, string>) => {
    const config = loadConfig({
      LOG_LEVEL: "silent",
      INCOMING_EMAIL_ADDRESS: "incoming+%{key}@appmail.adventuretime.ooo",
      SERVICE_DESK_EMAIL_ADDRESS: "support+%{key}@example.com",
      ...env,
    });
    const app = express().use(mailIncomingRouter({ config, dataSource: ds, log: createLogger("silent") }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const s = {
      base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    servers.push(s);
    return s.base;
  };
  let base: string;
  let worker: Inbound;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = db.dataSource;
    projectId = (await createIngestWorld(ds)).project.id;
    // No periodic sweep within the test's time: only the webhook's signal can make the worker process.
    worker = await startInbound(testWorkerContext(ds, db.url, { MAX_EMAIL_BYTES: String(1024 * 1024) }), {
      sweepIntervalMs: 10 * 60_000,
    });
    base = await serve({ MAIL_WEBHOOK_SECRET: SECRET, MAX_EMAIL_BYTES: String(1024 * 1024) });
  });
  afterAll(async () => {
    await worker?.stop();
    for (const s of servers) await s.close();
    await db.drop();
  });
  const post = (url: string, body: Buffer | string, token: string | null = SECRET) =>
    fetch(`${url}/-/mail/incoming`, {
      method: "POST",
      headers: { "Content-Type": "message/rfc822", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body,
    });
  const fixture = () =>
    mailFixture("new-ticket-gmail.eml", { projectId, slug: "email-test", host: "appmail.adventuretime.ooo" });

  it("is 404 when MAIL_WEBHOOK_SECRET is not set", async () => {
    const url = await serve({});
    expect((await post(url, fixture())).status).toBe(404);
  });

  it("is 401 without the bearer token or with a wrong one", async () => {
    expect((await post(base, fixture(), null)).status).toBe(401);
    expect((await post(base, fixture(), "wrong-secret-of-some-length")).status).toBe(401);
    expect(await ds.getRepository(InboundEmailEntity).count()).toBe(0);
  });

  it("answers 202 after the raw message is committed, makes one issue, and 200 for the same message again", async () => {
    const first = await post(base, fixture());
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: number };
    const row = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id });
    expect(row.raw.equals(fixture())).toBe(true);
    await eventually(async () => (await ds.getRepository(IssueEntity).count()) === 1);
    const again = await post(base, fixture());
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id, duplicate: true });
    expect(await ds.getRepository(IssueEntity).count()).toBe(1);
  });

  it("accepts the Shift_JIS message as bytes (a reply from a Japanese client)", async () => {
    const raw = mailFixture("reply-shift-jis.eml", {
      projectId,
      slug: "email-test",
      host: "appmail.adventuretime.ooo",
    });
    const res = await post(base, raw);
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    expect((await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id })).raw.equals(raw)).toBe(true);
    const row = await eventually(async () => {
      const r = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id });
      return r.status === "received" ? null : r;
    });
    expect(row?.status).toBe("note");
  });

  it("is 413 over MAX_EMAIL_BYTES with GitLab's message, and the sender gets the rejection email", async () => {
    const big = Buffer.concat([
      Buffer.from(
        `From: Alan <alan@adventuretime.ooo>\r\nTo: incoming+email-test-${projectId}-issue-@appmail.adventuretime.ooo\r\nSubject: huge\r\nMessage-ID: <huge@x>\r\n\r\n`,
      ),
      Buffer.alloc(2 * 1024 * 1024, "a"),
    ]);
    const res = await post(base, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      success: false,
      message:
        "We couldn't process your email because it is too large. Please create your issue or comment through the web interface.",
    });
    const rejection = await eventually(() =>
      ds.getRepository(OutboundEmailEntity).findOneBy({ kind: "rejection", toAddress: "alan@adventuretime.ooo" }),
    );
    expect(rejection?.subject).toBe("[Rejected] huge");
    const row = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ messageId: "huge@x" });
    expect(row).toMatchObject({ status: "rejected" });
    expect(row.raw.length).toBeLessThanOrEqual(64 * 1024);
  });
});
